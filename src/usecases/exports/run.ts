/**
 * Starting an export, for the HTTP API and the CLI alike: validate the filters, apply the role's
 * scope, resolve the campaign or broadcast, open the audit row, and return the CSV stream with
 * its dated filename. `finish` closes the audit row with the outcome and row count.
 */
import type { Clock, IdGenerator } from '../../core/clock';
import { AppError } from '../../shared/errors';
import type { Store } from '../../store/store';
import { oneCampaign } from '../campaign-ref';
import type { ExportOutcome, ExportRole } from './audit';
import { BROADCAST_COLUMNS, CONTACT_COLUMNS, customFieldColumns, PLEDGE_COLUMNS } from './columns';
import { CsvExportStream, type RowSource } from './csv';
import { parseExportFilters, type ExportFilters, type ExportKind } from './filters';

/** Each export page is sized to take about this long (one event-loop turn). */
export const EXPORT_TURN_BUDGET_MS = 10;

export interface ExportDeps {
  store: Pick<Store, 'exports' | 'campaigns'>;
  clock: Clock;
  newId: IdGenerator;
  /** The broadcast report's `error` column: a sentence per error code (src/twilio/error-text.ts). */
  errorText: Readonly<Record<number, string>>;
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
  finish(outcome: ExportOutcome): Promise<void>;
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

export async function startExport(deps: ExportDeps, req: ExportRequest): Promise<ExportJob> {
  const parsed = parseExportFilters(req.kind, req.query);
  if (!parsed.ok) throw new AppError('validation_failed', 'invalid export filters', parsed.problems);
  const f = parsed.value;
  if (f.includeOptedOut && req.role === 'volunteer') {
    throw new AppError('forbidden', 'volunteer exports never include opted-out contacts; ask an organizer');
  }

  const exports = deps.store.exports;
  const resolved: Record<string, string> = {};
  let label: string | null = null;
  let source: RowSource;
  if (req.kind === 'broadcast') {
    const id = req.broadcastId ?? '';
    const b = await exports.findBroadcast(id);
    if (!b) throw new AppError('not_found', `broadcast ${id} not found`);
    label = b.name || b.id;
    resolved.broadcastId = b.id;
    const scope = { broadcastId: b.id, status: f.status, includeOptedOut: f.includeOptedOut, errorText: deps.errorText };
    source = { columns: BROADCAST_COLUMNS, pages: (size) => exports.broadcastRecipients(scope, size) };
  } else {
    let campaignId: string | undefined;
    if (f.campaign !== undefined) {
      const c = oneCampaign(f.campaign, await exports.findCampaigns(f.campaign));
      campaignId = c.id;
      label = c.name;
      resolved.campaignId = c.id;
    }
    const scope = { ...f, campaignId, asOf: deps.clock.now().toISOString() };
    if (req.kind === 'contacts') {
      // Custom fields the campaign's flow (or every campaign's) captures: a column each (issue 13).
      const flows = (await deps.store.campaigns.list(true)).filter((c) => campaignId === undefined || c.id === campaignId).map((c) => c.flow);
      const custom = customFieldColumns(flows);
      const contactScope = { ...scope, customFields: custom.map((c) => c.field) };
      const columns = [...CONTACT_COLUMNS, ...custom.map((c) => ({ name: c.column, kind: 'text' as const }))];
      source = { columns, pages: (size) => exports.contacts(contactScope, size) };
    } else {
      source = { columns: PLEDGE_COLUMNS, pages: (size) => exports.pledges(scope, size) };
    }
  }

  const started = deps.clock.now();
  const auditId = deps.newId();
  await exports.openAudit({
    id: auditId, role: req.role, export: req.kind, filters: JSON.stringify(auditFilters(f, resolved)), client: req.client,
    started_at: started.toISOString(),
  });
  const stream = new CsvExportStream(source, { bom: f.bom, turnBudgetMs: EXPORT_TURN_BUDGET_MS });
  let finished = false;
  return {
    auditId,
    filename: filename(req.kind, label, started),
    stream,
    async finish(outcome) {
      if (finished) return;
      finished = true;
      await exports.closeAudit(auditId, outcome, stream.rows, deps.clock.now().toISOString());
    },
  };
}
