/**
 * The audit log: who did what. Adapters record an action once the use case that did it has
 * returned (its own transaction committed) and before they answer, awaiting the write: an action
 * whose answer said "done" has its entry committed. Not in the action's own transaction — the
 * actions live in many repositories — so a crash between the two commits (microseconds on SQLite,
 * where both are synchronous in one event-loop turn) could lose an entry; a failed audit write
 * turns the answer into an error, so it is never silently lost.
 */
import type { Clock } from '../../core/clock';
import { AppError } from '../../shared/errors';
import type { Store } from '../../store/store';
import type { AuditRow } from '../../store/audit/tables';
import { roleLabel, type Actor } from '../sessions/actor';
import type { AuditAction } from './actions';

export { AUDIT_ACTIONS, AUDIT_ACTION_LABELS, type AuditAction } from './actions';

export interface AuditTarget {
  type: string;
  id: string;
}

export interface AuditEvent {
  actor: Actor;
  action: AuditAction;
  target?: AuditTarget | null;
  details?: Record<string, unknown>;
}

export interface AuditEntry {
  /** The entry's position; pass it as `before` for the next (older) page. */
  seq: number;
  at: string;
  actor: { id: string; name: string; role: 'organizer' | 'volunteer' };
  action: string;
  target: AuditTarget | null;
  details: Record<string, unknown>;
}

export const AUDIT_PAGE_MAX = 200;

export class AuditLog {
  constructor(private readonly deps: { store: Pick<Store, 'audit'>; clock: Clock }) {}

  async record(e: AuditEvent): Promise<void> {
    await this.deps.store.audit.append({
      at: this.deps.clock.now().toISOString(),
      actor_id: e.actor.id,
      actor_name: e.actor.name,
      actor_role: e.actor.role,
      action: e.action,
      target_type: e.target?.type ?? null,
      target_id: e.target?.id ?? null,
      details: JSON.stringify(e.details ?? {}),
    });
  }

  /** Newest first, at most `limit` (1…AUDIT_PAGE_MAX) entries older than `before`. */
  async page(limit: number, before?: number): Promise<{ entries: AuditEntry[]; next: number | null }> {
    if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_PAGE_MAX) throw new AppError('validation_failed', `limit must be 1 to ${AUDIT_PAGE_MAX}`);
    const rows = await this.deps.store.audit.page(limit, before);
    const entries = rows.map(view);
    return { entries, next: entries.length === limit ? entries[entries.length - 1]!.seq : null };
  }
}

function view(r: AuditRow): AuditEntry {
  let details: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(r.details) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) details = parsed as Record<string, unknown>;
  } catch {
    // An unreadable details column shows as empty rather than breaking the page.
  }
  return {
    seq: r.seq,
    at: r.at,
    actor: { id: r.actor_id, name: r.actor_name, role: roleLabel(r.actor_role === 'admin' ? 'admin' : 'volunteer') },
    action: r.action,
    target: r.target_type !== null && r.target_id !== null ? { type: r.target_type, id: r.target_id } : null,
    details,
  };
}
