/**
 * The imports repository (both engines; the steps and their guarantees are in repository.ts).
 * Each step is one short transaction, so webhooks are committed between them. A chunk is applied
 * by set-based statements over the staged rows (INSERT … SELECT, UPDATE … FROM), written in
 * Kysely so the same statements run on SQLite and PostgreSQL; their WHERE clauses carry the
 * import's rules, so they read the contacts as they are inside the chunk's transaction:
 *   - a number not in contacts becomes a contact ('subscribed' with attested consent, else 'pending');
 *   - an opted-out number is never touched;
 *   - an existing contact only gets blank fields filled; attested consent subscribes a 'pending' one;
 *   - every subscription writes a consent event (opt_in via import) naming the campaign and its sender;
 *   - every imported number that is not opted out joins the campaign (keyword IMPORT) if it is not a member.
 * Staging runs one prepared statement per row (on PostgreSQL one round trip each: batching them
 * is a follow-up); the chunks are a handful of statements whatever their size.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { CampaignRef } from '../campaign-ref';
import { campaignRefs } from '../campaign-refs-work';
import type { DB } from '../database';
import { param, query } from '../query';
import { all, engine, exec, get, run, type Runner, type Work } from '../work';
import type { ApplyProgress, ExistingContact, ImportRunTarget, ImportsRepository, StageRow } from './repository';
import type { ContactImport, ImportRun } from './tables';

type Existing = Omit<ExistingContact, 'member'>;
type Status = ExistingContact['status'];

/** The values every chunk statement takes. */
interface Chunk {
  imp: string;
  lo: number;
  hi: number;
  campaign: string | null;
  sender: string | null;
  status: 'pending' | 'subscribed';
  at: string;
}

type WithStaging = DB & { s: DB['contact_import_staging'] };

/** The staged rows of this chunk (staging aliased `s`). */
function inChunk(eb: ExpressionBuilder<WithStaging, 's'>): Expression<SqlBool> {
  return eb.and([
    eb('s.import_id', '=', param<string>('imp')),
    eb('s.seq', '>=', param<number>('lo')),
    eb('s.seq', '<', param<number>('hi')),
  ]);
}

const CONSENT_COLUMNS = ['id', 'contact_id', 'phone', 'sender', 'campaign_id', 'kind', 'via', 'keyword', 'message_sid', 'at'] as const;

const SQL = {
  find: query<Existing, { phone: string }>((k) =>
    k.selectFrom('contacts').select(['id', 'status', 'first_name', 'zip', 'email']).where('phone', '=', param<string>('phone')),
  ),
  isMember: query<{ ok: number }, { campaign: string; contact: string }>((k) =>
    k.selectFrom('campaign_members').select((eb) => eb.lit(1).as('ok'))
      .where('campaign_id', '=', param<string>('campaign')).where('contact_id', '=', param<string>('contact')),
  ),
  run: query<ImportRun, { imp: string }>((k) => k.selectFrom('contact_import_runs').selectAll().where('import_id', '=', param<string>('imp'))),
  grow: query<unknown, { imp: string; n: number }>((k) =>
    k.updateTable('contact_import_runs').set((eb) => ({ staged: eb('staged', '+', param<number>('n')) }))
      .where('import_id', '=', param<string>('imp')).where('state', '=', 'staging'),
  ),
  stageRow: query<unknown, StageRow & { imp: string; seq: number }>((k) =>
    k.insertInto('contact_import_staging').values({
      import_id: param<string>('imp'), seq: param<number>('seq'), phone: param<string>('phone'), first_name: param<string | null>('first_name'),
      zip: param<string | null>('zip'), email: param<string | null>('email'), new_id: param<string>('new_id'), consent_id: param<string>('consent_id'),
    }),
  ),

  /** Existing 'pending' contacts that attested consent subscribes: their consent events (before the update). */
  consentsOfPending: query<unknown, Chunk>((k) =>
    k.insertInto('consent_events').columns(CONSENT_COLUMNS).expression(
      k.selectFrom('contact_import_staging as s').innerJoin('contacts as c', 'c.phone', 's.phone')
        .select((eb) => [
          's.consent_id', 'c.id', 'c.phone', eb.val(param<string>('sender')).as('sender'), eb.val(param<string>('campaign')).as('campaign_id'),
          sql.lit('opt_in').as('kind'), sql.lit('import').as('via'), sql.lit(null).as('keyword'), sql.lit(null).as('message_sid'),
          eb.val(param<string>('at')).as('at'),
        ])
        .where(inChunk).where('c.status', '=', sql.lit('pending'))
        .orderBy('s.consent_id'),
    ),
  ),
  /** Existing contacts, not opted out: blank fields filled; with `subscribe`, 'pending' becomes 'subscribed'. */
  update: (subscribe: boolean) =>
    query<unknown, Chunk>((k) =>
      k.updateTable('contacts').from('contact_import_staging as s')
        .set((eb) => ({
          status: subscribe
            ? sql<Status>`CASE WHEN ${sql.ref('contacts.status')} = 'pending' THEN 'subscribed' ELSE ${sql.ref('contacts.status')} END`
            : eb.ref('contacts.status'),
          first_name: eb.fn.coalesce('contacts.first_name', 's.first_name'),
          zip: eb.fn.coalesce('contacts.zip', 's.zip'),
          email: eb.fn.coalesce('contacts.email', 's.email'),
          updated_at: eb.val(param<string>('at')),
        }))
        .whereRef('contacts.phone', '=', 's.phone')
        .where(inChunk)
        .where('contacts.status', '<>', sql.lit('opted_out'))
        .where((eb) =>
          eb.or([
            eb.and([eb('contacts.first_name', 'is', null), eb('s.first_name', 'is not', null)]),
            eb.and([eb('contacts.zip', 'is', null), eb('s.zip', 'is not', null)]),
            eb.and([eb('contacts.email', 'is', null), eb('s.email', 'is not', null)]),
            ...(subscribe ? [eb('contacts.status', '=', sql.lit('pending'))] : []),
          ]),
        ),
    ),
  /** Numbers not in contacts yet, inserted in id order (ids are time-ordered: the indexes grow at their right edge). */
  create: query<unknown, Chunk>((k) =>
    k.insertInto('contacts')
      .columns(['id', 'phone', 'first_name', 'zip', 'email', 'fields', 'status', 'undeliverable', 'is_test', 'created_at', 'updated_at'])
      .expression(
        k.selectFrom('contact_import_staging as s')
          .select((eb) => [
            's.new_id', 's.phone', 's.first_name', 's.zip', 's.email', sql.lit('{}').as('fields'), eb.val(param<string>('status')).as('status'),
            sql.lit(0).as('undeliverable'), sql.lit(0).as('is_test'), eb.val(param<string>('at')).as('created_at'), eb.val(param<string>('at')).as('updated_at'),
          ])
          .where(inChunk)
          .where((eb) => eb.not(eb.exists(eb.selectFrom('contacts as c').select(sql.lit(1).as('one')).whereRef('c.phone', '=', 's.phone'))))
          .orderBy('s.new_id'),
      ),
  ),
  /** The consent events of the contacts this chunk created (a staged new_id exists only if it was just inserted). */
  consentsOfCreated: query<unknown, Chunk>((k) =>
    k.insertInto('consent_events').columns(CONSENT_COLUMNS).expression(
      k.selectFrom('contact_import_staging as s').innerJoin('contacts as c', 'c.id', 's.new_id')
        .select((eb) => [
          's.consent_id', 'c.id', 'c.phone', eb.val(param<string>('sender')).as('sender'), eb.val(param<string>('campaign')).as('campaign_id'),
          sql.lit('opt_in').as('kind'), sql.lit('import').as('via'), sql.lit(null).as('keyword'), sql.lit(null).as('message_sid'),
          eb.val(param<string>('at')).as('at'),
        ])
        .where(inChunk)
        .orderBy('s.consent_id'),
    ),
  ),
  /** Every imported number that is not opted out and not yet a member joins the campaign. */
  join: query<unknown, Chunk>((k) =>
    k.insertInto('campaign_members').columns(['campaign_id', 'contact_id', 'keyword', 'joined_at', 'completed_at']).expression(
      k.selectFrom('contact_import_staging as s').innerJoin('contacts as c', 'c.phone', 's.phone')
        .select((eb) => [
          eb.val(param<string>('campaign')).as('campaign_id'), 'c.id', sql.lit('IMPORT').as('keyword'), eb.val(param<string>('at')).as('joined_at'),
          sql.lit(null).as('completed_at'),
        ])
        .where(inChunk)
        .where('c.status', '<>', sql.lit('opted_out'))
        .where((eb) =>
          eb.not(eb.exists(
            eb.selectFrom('campaign_members as m').select(sql.lit(1).as('one'))
              .where('m.campaign_id', '=', param<string>('campaign')).whereRef('m.contact_id', '=', 'c.id'),
          )),
        )
        .orderBy('c.id'),
    ),
  ),
  advance: query<unknown, { imp: string; hi: number }>((k) =>
    k.updateTable('contact_import_runs').set({ next_seq: param<number>('hi') }).where('import_id', '=', param<string>('imp')),
  ),
  unstage: query<unknown, { imp: string; lo: number; hi: number }>((k) =>
    k.deleteFrom('contact_import_staging as s').where(inChunk),
  ),
  record: query<unknown, { imp: string }>((k) =>
    k.insertInto('contact_imports').columns(['id', 'source', 'filename', 'campaign_id', 'consent', 'totals', 'created_at']).expression(
      k.selectFrom('contact_import_runs').select(['import_id', 'source', 'filename', 'campaign_id', 'consent', 'totals', 'at'])
        .where('import_id', '=', param<string>('imp')),
    ),
  ),
  close: query<unknown, { imp: string }>((k) => k.deleteFrom('contact_import_runs').where('import_id', '=', param<string>('imp'))),
  discardSome: query<unknown, { imp: string; n: number }>((k) =>
    k.deleteFrom('contact_import_staging').where('import_id', '=', param<string>('imp')).where('seq', 'in', (eb) =>
      eb.selectFrom('contact_import_staging as s').select('s.seq').where('s.import_id', '=', param<string>('imp')).orderBy('s.seq').limit(param<number>('n')),
    ),
  ),
  anyStaged: query<{ one: number }, { imp: string }>((k) =>
    k.selectFrom('contact_import_staging').select(sql.lit(1).as('one')).where('import_id', '=', param<string>('imp')).limit(1),
  ),
};

const UPDATE_ONLY = SQL.update(false);
const UPDATE_AND_SUBSCRIBE = SQL.update(true);

/** The statements of one chunk and of the run's steps (test/store/postgres-portability.test.ts prepares them on PostgreSQL). */
export const IMPORT_QUERIES = {
  stageRow: SQL.stageRow, grow: SQL.grow, run: SQL.run, consentsOfPending: SQL.consentsOfPending, updateOnly: UPDATE_ONLY,
  updateAndSubscribe: UPDATE_AND_SUBSCRIBE, create: SQL.create, consentsOfCreated: SQL.consentsOfCreated, join: SQL.join,
  advance: SQL.advance, unstage: SQL.unstage, record: SQL.record, close: SQL.close, discardSome: SQL.discardSome, anyStaged: SQL.anyStaged,
};

export class ImportsStore implements ImportsRepository {
  constructor(private readonly db: Runner) {}

  findCampaigns(given: string): Promise<CampaignRef[]> {
    return this.db.read(campaignRefs(this.db.k, given));
  }

  lookup(phones: readonly string[], campaignId: string | null): Promise<(ExistingContact | null)[]> {
    const k = this.db.k;
    return this.db.read(
      (function* (): Work<(ExistingContact | null)[]> {
        const out: (ExistingContact | null)[] = [];
        if ((yield* engine()) === 'postgres') {
          // One round trip per 1,000 numbers for each of the two reads, instead of two per number.
          for (let at = 0; at < phones.length; at += 1000) {
            const some = phones.slice(at, at + 1000);
            const found = new Map((yield* all(k.selectFrom('contacts').select(['id', 'phone', 'status', 'first_name', 'zip', 'email']).where('phone', 'in', some)))
              .map((c) => [c.phone, c]));
            const ids = [...found.values()].map((c) => c.id);
            const members = new Set(campaignId === null || ids.length === 0 ? [] : (yield* all(
              k.selectFrom('campaign_members').select('contact_id').where('campaign_id', '=', campaignId).where('contact_id', 'in', ids),
            )).map((m) => m.contact_id));
            for (const phone of some) {
              const c = found.get(phone);
              out.push(c ? { id: c.id, status: c.status, first_name: c.first_name, zip: c.zip, email: c.email, member: members.has(c.id) } : null);
            }
          }
          return out;
        }
        for (const phone of phones) {
          const found = yield* get(SQL.find, { phone });
          if (!found) {
            out.push(null);
            continue;
          }
          const member = campaignId !== null && (yield* get(SQL.isMember, { campaign: campaignId, contact: found.id })) !== undefined;
          out.push({ id: found.id, status: found.status, first_name: found.first_name, zip: found.zip, email: found.email, member });
        }
        return out;
      })(),
    );
  }

  async open(t: ImportRunTarget): Promise<void> {
    await this.db.read(run(this.db.k.insertInto('contact_import_runs').values({
      import_id: t.importId, state: 'staging', staged: 0, next_seq: 0, campaign_id: t.campaign?.id ?? null, sender: t.campaign?.sender ?? null,
      new_status: t.consent === 'attested' ? 'subscribed' : 'pending', source: t.source, filename: t.filename, consent: t.consent, totals: '{}', at: t.at,
    })));
  }

  async stage(importId: string, rows: readonly StageRow[]): Promise<void> {
    if (rows.length === 0) return;
    const k = this.db.k;
    await this.db.tx(
      (function* (): Work<void> {
        const r = yield* get(SQL.run, { imp: importId });
        if (!r || r.state !== 'staging') throw new Error(`import ${importId} is not being staged any more`);
        yield* exec(SQL.grow, { imp: importId, n: rows.length });
        const staged = Number(r.staged);
        if ((yield* engine()) === 'postgres') {
          // One round trip per 1,000 rows (8 values each, well under PostgreSQL's 65,535 bound values).
          for (let at = 0; at < rows.length; at += 1000) {
            yield* run(k.insertInto('contact_import_staging').values(rows.slice(at, at + 1000).map((row, i) => ({
              import_id: importId, seq: staged + at + i, phone: row.phone, first_name: row.first_name, zip: row.zip, email: row.email,
              new_id: row.new_id, consent_id: row.consent_id,
            }))));
          }
          return;
        }
        // SQLite: one prepared statement per row costs less than building a statement per batch.
        for (const [i, row] of rows.entries()) yield* exec(SQL.stageRow, { ...row, imp: importId, seq: staged + i });
      })(),
    );
  }

  async commit(importId: string, expected: number, totals: string): Promise<void> {
    const k = this.db.k;
    await this.db.tx(
      (function* (): Work<void> {
        const r = yield* get(SQL.run, { imp: importId });
        if (!r || r.state !== 'staging') throw new Error(`import ${importId} is not being staged any more`);
        if (Number(r.staged) !== expected) throw new Error(`import ${importId} has ${r.staged} staged rows, expected ${expected}`);
        yield* run(k.updateTable('contact_import_runs').set({ state: 'applying', totals }).where('import_id', '=', importId));
      })(),
    );
  }

  applyNext(importId: string, maxRows: number): Promise<ApplyProgress> {
    return this.db.tx(
      (function* (): Work<ApplyProgress> {
        const r = yield* get(SQL.run, { imp: importId });
        if (!r) return { applied: 0, remaining: 0, done: true };
        if (r.state !== 'applying') throw new Error(`import ${importId} is not committed`);
        const staged = Number(r.staged);
        const lo = Number(r.next_seq);
        const hi = Math.min(staged, lo + Math.max(1, Math.floor(maxRows)));
        const chunk: Chunk = { imp: importId, lo, hi, campaign: r.campaign_id, sender: r.sender, status: r.new_status, at: r.at };
        const attested = r.consent === 'attested' && r.campaign_id !== null;
        if (attested) yield* exec(SQL.consentsOfPending, chunk);
        yield* exec(attested ? UPDATE_AND_SUBSCRIBE : UPDATE_ONLY, chunk);
        yield* exec(SQL.create, chunk);
        if (attested) yield* exec(SQL.consentsOfCreated, chunk);
        if (r.campaign_id !== null) yield* exec(SQL.join, chunk);
        yield* exec(SQL.unstage, { imp: importId, lo, hi });
        if (hi < staged) {
          yield* exec(SQL.advance, { imp: importId, hi });
          return { applied: hi - lo, remaining: staged - hi, done: false };
        }
        yield* exec(SQL.record, { imp: importId });
        yield* exec(SQL.close, { imp: importId });
        return { applied: hi - lo, remaining: 0, done: true };
      })(),
    );
  }

  discard(importId: string, maxRows: number): Promise<{ done: boolean }> {
    return this.db.tx(
      (function* (): Work<{ done: boolean }> {
        const r = yield* get(SQL.run, { imp: importId });
        if (r && r.state !== 'staging') throw new Error(`import ${importId} is committed; it can only be applied`);
        yield* exec(SQL.discardSome, { imp: importId, n: Math.max(1, Math.floor(maxRows)) });
        if (yield* get(SQL.anyStaged, { imp: importId })) return { done: false };
        if (r) yield* exec(SQL.close, { imp: importId });
        return { done: true };
      })(),
    );
  }

  runs(): Promise<ImportRun[]> {
    return this.db.read(all(this.db.k.selectFrom('contact_import_runs').selectAll().orderBy('at').orderBy('import_id')));
  }

  list(limit: number): Promise<ContactImport[]> {
    return this.db.read(all(this.db.k.selectFrom('contact_imports').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit)));
  }
}
