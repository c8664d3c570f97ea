/**
 * Who is acting: the one shape the audit log, inbox assignment and volunteer scope name a person
 * by. A request authenticated by a shared token (ADMIN_TOKEN, VOLUNTEER_TOKEN) acts as that
 * token's pseudo-person (`token:admin`, `token:volunteer`); a person signed in with their own
 * account acts as `user:<id>` (people accounts). Adapters set it once per request; use cases take it.
 */
import type { Role } from './sessions';

export interface Actor {
  /** Stable id: `token:admin`, `token:volunteer`, or `user:<user id>`. */
  id: string;
  role: Role;
  /** What a person reads in the console and the audit log (an email, or "Organizer token"). */
  name: string;
}

/** The pseudo-person of a shared token. */
export function tokenActor(role: Role): Actor {
  return role === 'admin'
    ? { id: 'token:admin', role, name: 'Organizer token' }
    : { id: 'token:volunteer', role, name: 'Volunteer token' };
}
