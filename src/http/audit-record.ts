/**
 * What adapters call after an action has succeeded and before they answer: one audit entry,
 * written by the request's actor (see usecases/audit/audit.ts for why after, and awaited).
 */
import type { Request } from 'express';
import type { AppContext } from '../wiring/context';
import type { AuditAction, AuditTarget } from '../usecases/audit/audit';
import { actorOf } from './auth';

export function recordAudit(ctx: AppContext, req: Request, action: AuditAction, target: AuditTarget | null, details: Record<string, unknown> = {}): Promise<void> {
  return ctx.audit.record({ actor: actorOf(req), action, target, details });
}
