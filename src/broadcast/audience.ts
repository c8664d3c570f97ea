/**
 * Audience: which contacts a broadcast reaches. Subscribed contacts only; opted-out, pending,
 * undeliverable and test contacts never match. Membership filters (keyword, joined between,
 * completed) apply to one campaign membership; a contact in several matching campaigns gets ONE
 * text, from the first campaign in the broadcast's list they belong to (its sender and program
 * name). `snapshotAudience` copies the audience into broadcast_recipients in short batches so the
 * webhook is never blocked for long, and can be re-run after a crash (duplicates are ignored).
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import { z } from 'zod';
import { instantSchema } from '../core/dates';
import { zodProblems, type FieldProblem, type ParseResult } from '../core/flow';
import { keywordForm } from '../core/text';
import type { Store } from '../store/open';
import { zoneForContact } from './quiet-hours';
import { US_STATES, stateForZip, zip3sForState } from './time-zones';

/** A UTC day or an instant with a zone; impossible dates (2026-02-31) are refused, not rolled over. */
const isoInstant = instantSchema(true).transform((p) => p.iso);

const keywordList = z
  .union([z.string(), z.array(z.string()).max(50)])
  .transform((v) => (Array.isArray(v) ? v : [v]).map(keywordForm))
  .refine((v) => v.every((w) => /^[\p{Lu}\p{N}]{2,20}$/u.test(w)), 'keywords are 2-20 letters or digits');

export const audienceSchema = z
  .object({
    campaigns: z.array(z.string().trim().min(1)).min(1, 'name at least one campaign').max(50),
    keywords: keywordList.optional(),
    keyword: keywordList.optional(),
    pledged: z.boolean().optional(),
    zipPrefix: z.string().trim().regex(/^\d{1,5}$/, 'must be 1-5 digits').optional(),
    state: z
      .string()
      .trim()
      .transform((s) => s.toUpperCase())
      .refine((s) => US_STATES.includes(s), 'must be a two-letter US state or territory code')
      .optional(),
    joinedAfter: isoInstant.optional(),
    joinedBefore: isoInstant.optional(),
    completed: z.boolean().optional(),
  })
  // Strict: a misspelt filter ("zip_prefix") must be a 400, not a broadcast to everyone.
  .strict()
  .refine((a) => !a.joinedAfter || !a.joinedBefore || a.joinedAfter < a.joinedBefore, {
    message: 'joinedAfter must be before joinedBefore', path: ['joinedBefore'],
  })
  .transform(({ keyword, keywords, ...rest }) => {
    const all = [...new Set([...(keywords ?? []), ...(keyword ?? [])])];
    return { ...rest, campaigns: [...new Set(rest.campaigns)], ...(all.length > 0 ? { keywords: all } : {}) };
  });

export type AudienceInput = z.input<typeof audienceSchema>;
export type Audience = z.output<typeof audienceSchema>;

export function parseAudience(input: unknown, prefix: string[] = ['audience']): ParseResult<Audience> {
  const r = audienceSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, problems: zodProblems(r.error, prefix) };
}

/**
 * Checks the audience against the database: every campaign exists and is active (a reply STOP to
 * an inactive sender would reach no campaign), and keywords are mapped from aliases to the primary
 * keyword memberships record.
 */
export function resolveAudience(store: Store, a: Audience): ParseResult<Audience> {
  const problems: FieldProblem[] = [];
  const rows = store.all(store.db.selectFrom('campaigns').select(['id', 'active']).where('id', 'in', a.campaigns));
  a.campaigns.forEach((id, i) => {
    const row = rows.find((r) => r.id === id);
    if (!row) problems.push({ path: `audience.campaigns.${i}`, message: `no campaign with id "${id}"` });
    else if (row.active !== 1) problems.push({ path: `audience.campaigns.${i}`, message: `campaign "${id}" is inactive` });
  });
  if (problems.length > 0) return { ok: false, problems };
  if (!a.keywords) return { ok: true, value: a };
  const kw = store.all(
    store.db.selectFrom('keywords').select(['word', 'primary_word']).where('campaign_id', 'in', a.campaigns).where('word', 'in', a.keywords),
  );
  a.keywords.forEach((w, i) => {
    if (!kw.some((k) => k.word === w)) problems.push({ path: `audience.keywords.${i}`, message: `"${w}" is not a keyword of these campaigns` });
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { ...a, keywords: [...new Set(kw.map((k) => k.primary_word))] } };
}

export interface AudienceMember {
  contactId: string;
  campaignId: string;
  keyword: string;
  phone: string;
  firstName: string | null;
  zip: string | null;
  fromState: string | null;
}

function membershipQuery(store: Store, a: Audience) {
  const db = store.db;
  let q = db
    .selectFrom('campaign_members as m')
    .innerJoin('contacts as c', 'c.id', 'm.contact_id')
    .where('m.campaign_id', 'in', a.campaigns)
    .where('c.status', '=', 'subscribed')
    .where('c.undeliverable', '=', 0)
    .where('c.is_test', '=', 0);
  if (a.keywords) q = q.where('m.keyword', 'in', a.keywords);
  if (a.joinedAfter) q = q.where('m.joined_at', '>=', a.joinedAfter);
  if (a.joinedBefore) q = q.where('m.joined_at', '<', a.joinedBefore);
  if (a.completed !== undefined) q = q.where('m.completed_at', a.completed ? 'is not' : 'is', null);
  if (a.zipPrefix) q = q.where('c.zip', 'like', `${a.zipPrefix}%`);
  if (a.state) {
    const state = a.state;
    const zip3s = zip3sForState(state);
    q = q.where((eb) => {
      const noZip = eb.or([eb('c.zip', 'is', null), eb('c.zip', '=', '')]);
      const byZip: Expression<SqlBool> = zip3s.length > 0 ? eb(eb.fn<string>('substr', ['c.zip', eb.val(1), eb.val(3)]), 'in', zip3s) : eb.val(false);
      return eb.or([eb.and([eb.not(noZip), byZip]), eb.and([noZip, eb(eb.fn<string>('upper', ['c.from_state']), '=', state)])]);
    });
  }
  if (a.pledged !== undefined) {
    q = q.where((eb) => {
      const pledge = eb.exists(
        eb.selectFrom('pledges as p').select('p.id').whereRef('p.contact_id', '=', 'm.contact_id').where('p.campaign_id', 'in', a.campaigns),
      );
      return a.pledged ? pledge : eb.not(pledge);
    });
  }
  return q;
}

/** Number of distinct contacts the audience reaches right now. */
export function countAudience(store: Store, a: Audience): number {
  const row = store.first(membershipQuery(store, a).select((eb) => eb.fn.count<number>('m.contact_id').distinct().as('n')));
  return Number(row?.n ?? 0);
}

/**
 * One page of the audience in contact-id order, one member per contact (its first listed campaign).
 * Pass the last contact id of the previous page to continue.
 */
export function audiencePage(store: Store, a: Audience, afterContactId: string, limit: number): AudienceMember[] {
  const priority = sql<number>`CASE m.campaign_id ${sql.join(
    a.campaigns.map((id, i) => sql`WHEN ${id} THEN ${i}`),
    sql` `,
  )} END`;
  const rows = store.all(
    membershipQuery(store, a)
      .select(['m.contact_id', 'm.campaign_id', 'm.keyword', 'c.phone', 'c.first_name', 'c.zip', 'c.from_state'])
      .where('m.contact_id', '>', afterContactId)
      .orderBy('m.contact_id')
      .orderBy(priority)
      .limit(limit),
  );
  const out: AudienceMember[] = [];
  for (const r of rows) {
    if (out.length > 0 && out[out.length - 1]!.contactId === r.contact_id) continue;
    out.push({
      contactId: r.contact_id, campaignId: r.campaign_id, keyword: r.keyword, phone: r.phone,
      firstName: r.first_name, zip: r.zip, fromState: r.from_state,
    });
  }
  return out;
}

/** Walk the whole audience page by page, yielding to the event loop between pages. */
export async function forEachAudiencePage(
  store: Store, a: Audience, pageSize: number, fn: (page: AudienceMember[]) => void | boolean,
): Promise<void> {
  let after = '';
  for (;;) {
    const page = audiencePage(store, a, after, pageSize);
    if (page.length === 0) return;
    if (fn(page) === false) return;
    after = page[page.length - 1]!.contactId;
    await new Promise((r) => setImmediate(r));
  }
}

/** The state a contact is in: from the ZIP, else what Twilio reported (FromState). */
export function stateOf(zip: string | null, fromState: string | null): string | null {
  return stateForZip(zip) ?? (fromState ? fromState.toUpperCase() : null);
}

const INSERT_RECIPIENT =
  'INSERT INTO broadcast_recipients (broadcast_id, contact_id, campaign_id, keyword, seq, time_zone, status, attempts, created_at, updated_at) ' +
  "VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (broadcast_id, contact_id) DO NOTHING";

/**
 * Snapshot the audience into broadcast_recipients: batches of `pageSize`, one short transaction
 * each. Idempotent: after a crash it is simply run again. Returns the number of recipient rows.
 */
export async function snapshotAudience(
  store: Store, broadcastId: string, a: Audience, now: () => string, pageSize = 2000,
): Promise<number> {
  let seq = Number(
    store.first(store.db.selectFrom('broadcast_recipients').select((eb) => eb.fn.max<number>('seq').as('s')).where('broadcast_id', '=', broadcastId))?.s ?? 0,
  );
  await forEachAudiencePage(store, a, pageSize, (page) => {
    const at = now();
    store.tx(() => {
      const insert = store.prepare(INSERT_RECIPIENT);
      for (const m of page) {
        seq += 1;
        insert.run(broadcastId, m.contactId, m.campaignId, m.keyword, seq, zoneForContact({ zip: m.zip, phone: m.phone }), at, at);
      }
    });
  });
  return Number(
    store.first(store.db.selectFrom('broadcast_recipients').select((eb) => eb.fn.countAll<number>().as('n')).where('broadcast_id', '=', broadcastId))?.n ?? 0,
  );
}
