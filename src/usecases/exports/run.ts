/**
 * Starting an export, for the HTTP API and the CLI alike: validate the filters, apply the role's
 * scope, resolve the campaign or broadcast, open the audit row, and return the CSV stream with
 * its dated filename. `finish` closes the audit row with the outcome and row count.
 */
import type { Clock, IdGenerator } from '../../core/clock';
import { AppError } from '../../shared/errors';
import { resolveCampaign } from '../../store/campaign-lookup';
import type { SqliteDb } from '../../store/sqlite/db';
import { closeAudit, openAudit, type ExportOutcome, type ExportRole } from './audit';
import { broadcastQuery, findBroadcast } from './broadcast-report';
import { contactsQuery } from './contacts';
import { CsvExportStream } from './csv';
import { parseExportFilters, type ExportFilters, type ExportKind } from './filters';
import { keysetSource, type KeysetQuery } from '../../export/keyset';
import { pledgesQuery } from './pledges';

/** Each export page is sized to take about this long (one event-loop turn). */
export const EXPORT_TURN_BUDGET_MS = 10;

export interface ExportDeps {
  store: SqliteDb;
  clock: Clock;
  newId: IdGenerator;
}

export interface ExportRequest {
  kind: ExportKind;
  /** Query-string shaped filters (validated here). */
  query: unknown;
  role: ExportRole;
  client: string | null;
  /** For the broadcast delivery report. */
  broadcastId?: string;
}

export interface ExportJob {
  auditId: string;
  filename: string;
  stream: CsvExportStream;
  /** Close the audit row (idempotent). */
  finish(outcome: ExportOutcome): void;
}

export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
}

function filename(kind: ExportKind, label: string | null, at: Date): string {
  const part = label ? slug(label) : '';
  return `rallytext-${kind}${part ? `-${part}` : ''}-${at.toISOString().slice(0, 10)}.csv`;
}

/** The filters as recorded in the audit trail: what was asked, plus what it resolved to. */
function auditFilters(f: ExportFilters, resolved: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...f, ...resolved };
  delete out.bom;
  return out;
}

export function startExport(deps: ExportDeps, req: ExportRequest): ExportJob {
  const parsed = parseExportFilters(req.kind, req.query);
  if (!parsed.ok) throw new AppError('validation_failed', 'invalid export filters', parsed.problems);
  const f = parsed.value;
  if (f.includeOptedOut && req.role === 'volunteer') {
    throw new AppError('forbidden', 'volunteer exports never include opted-out contacts; ask an organizer');
  }

  const resolved: Record<string, string> = {};
  let label: string | null = null;
  let query: KeysetQuery;
  if (req.kind === 'broadcast') {
    const b = findBroadcast(deps.store, req.broadcastId ?? '');
    label = b.name || b.id;
    resolved.broadcastId = b.id;
    query = broadcastQuery({ broadcastId: b.id, status: f.status, includeOptedOut: f.includeOptedOut });
  } else {
    let campaignId: string | undefined;
    if (f.campaign !== undefined) {
      const c = resolveCampaign(deps.store, f.campaign);
      campaignId = c.id;
      label = c.name;
      resolved.campaignId = c.id;
    }
    const scope = { ...f, campaignId };
    query = req.kind === 'contacts' ? contactsQuery(scope) : pledgesQuery(scope);
  }

  const source = keysetSource(deps.store, query);
  const started = deps.clock.now();
  const auditId = openAudit(deps.store, deps.newId, started, {
    role: req.role, kind: req.kind, filters: auditFilters(f, resolved), client: req.client,
  });
  const stream = new CsvExportStream(source, { bom: f.bom, turnBudgetMs: EXPORT_TURN_BUDGET_MS });
  let finished = false;
  return {
    auditId,
    filename: filename(req.kind, label, started),
    stream,
    finish(outcome) {
      if (finished) return;
      finished = true;
      closeAudit(deps.store, auditId, outcome, stream.rows, deps.clock.now());
    },
  };
}
