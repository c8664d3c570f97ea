/**
 * Who is acting: the one shape the audit log, inbox assignment and volunteer scope name a person
 * by. A request authenticated by a shared token (ADMIN_TOKEN, VOLUNTEER_TOKEN) acts as that
 * token's pseudo-person (`token:admin`, `token:volunteer`); a person signed in with their own
 * account acts as `user:<id>`; the command line acts as `cli`. Adapters set it once per request;
 * use cases take it.
 */
/** Roles keep their internal names: 'admin' is what the console, CLI and API call an organizer. */
export type Role = 'admin' | 'volunteer';

export interface Actor {
  /** Stable id: `token:admin`, `token:volunteer`, `user:<user id>`, or `cli`. */
  id: string;
  role: Role;
  /** What a person reads in the console and the audit log (a name, an email, or "Organizer token"). */
  name: string;
  /** A person's email (people accounts only). */
  email?: string;
}

/** The pseudo-person of a shared token. */
export function tokenActor(role: Role): Actor {
  return role === 'admin'
    ? { id: 'token:admin', role, name: 'Organizer token' }
    : { id: 'token:volunteer', role, name: 'Volunteer token' };
}

/** A person signed in with their own account. */
export function userActor(user: { id: string; email: string; name: string | null; role: Role }): Actor {
  return { id: `user:${user.id}`, role: user.role, name: user.name || user.email, email: user.email };
}

/** Whoever runs the `rallytext` command on the server (they can read the database anyway). */
export const CLI_ACTOR: Actor = Object.freeze({ id: 'cli', role: 'admin', name: 'Command line' });

/** The user id of a `user:<id>` actor, else null. */
export function userIdOf(actor: Actor): string | null {
  return actor.id.startsWith('user:') ? actor.id.slice(5) : null;
}

/** What the console, CLI and API call a role (the internal name of an organizer is 'admin'). */
export function roleLabel(role: Role): 'organizer' | 'volunteer' {
  return role === 'admin' ? 'organizer' : 'volunteer';
}
