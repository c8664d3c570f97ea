/**
 * Poll and idea results as CSV (/api/exports/polls/:id.csv, /api/exports/ideas.csv): one row per
 * option or idea with its votes, then one row per vote. Organizers see the voter's phone; a
 * volunteer gets it masked (+1312***0100), as the logs mask it. Cells go through the exports'
 * formula neutraliser (option labels and idea texts are people's words).
 */
import { AppError } from '../../shared/errors';
import { maskPhone } from '../../shared/logger';
import type { Store } from '../../store/store';
import { csvCell, csvLines, type CellKind } from '../exports/csv';

export type ExportRole = 'admin' | 'volunteer';

function lines(columns: [string, CellKind][], rows: unknown[][]): string {
  return csvLines([columns.map(([n]) => n), ...rows.map((r) => r.map((v, i) => csvCell(v, columns[i]![1])))]);
}

const phoneFor = (role: ExportRole) => (phone: string) => (role === 'admin' ? phone : maskPhone(phone));

export async function pollCsv(store: Pick<Store, 'polls'>, pollId: string, role: ExportRole): Promise<{ filename: string; body: string }> {
  const poll = await store.polls.find(pollId);
  if (!poll) throw new AppError('not_found', `poll ${pollId} not found`);
  const counts = new Map((await store.polls.counts(pollId)).map((c) => [c.optionIndex, c.votes]));
  const phone = phoneFor(role);
  const rows: unknown[][] = poll.options.map((o, i) => ['option', i + 1, o.label, counts.get(i) ?? 0, '', '']);
  for (const v of await store.polls.votes(pollId)) rows.push(['vote', v.optionIndex + 1, poll.options[v.optionIndex]?.label ?? '', '', phone(v.phone), v.votedAt]);
  const body = lines([['row', 'data'], ['option_number', 'data'], ['option', 'text'], ['votes', 'data'], ['phone', 'phone'], ['voted_at', 'data']], rows);
  return { filename: `poll-${poll.id}.csv`, body };
}

export async function ideasCsv(store: Pick<Store, 'ideas' | 'campaigns'>, campaignId: string, role: ExportRole): Promise<{ filename: string; body: string }> {
  if (!(await store.campaigns.find(campaignId))) throw new AppError('not_found', `campaign ${campaignId} not found`);
  const ideas = await store.ideas.list(campaignId);
  const byId = new Map(ideas.map((i) => [i.id, i]));
  const phone = phoneFor(role);
  const rows: unknown[][] = ideas.map((i) => ['idea', i.number ?? '', i.text, i.originalText === i.text ? '' : i.originalText, i.status, i.votes, '', '']);
  for (const v of await store.ideas.votes(campaignId)) rows.push(['vote', v.number ?? '', byId.get(v.ideaId)?.text ?? '', '', '', '', phone(v.phone), v.votedAt]);
  const body = lines(
    [['row', 'data'], ['number', 'data'], ['idea', 'text'], ['original_text', 'text'], ['status', 'data'], ['votes', 'data'], ['phone', 'phone'], ['voted_at', 'data']],
    rows,
  );
  return { filename: `ideas-${campaignId}.csv`, body };
}
