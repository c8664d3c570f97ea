/**
 * The campaigns repository on SQLite. The `…Now` functions answer synchronously on the one
 * connection; the class wraps them for the asynchronous interface, and the transitional
 * src/store/campaigns.ts exposes a few of them to code not yet moved behind the Store.
 */
import type { Selectable } from 'kysely';
import type { CampaignRuntime, CampaignSpec, KeywordSpec } from '../../core/campaign';
import { parseFlow } from '../../core/flow';
import { AppError } from '../../shared/errors';
import { param, query } from '../query';
import type { SqliteDb } from '../sqlite/db';
import type {
  CampaignCounts, CampaignsRepository, CampaignView, NewCampaign, RuntimeCampaigns,
} from './repository';
import type { CampaignsTable, KeywordsTable } from './tables';

type CampaignRow = Selectable<CampaignsTable>;

const KEYWORDS = query<Pick<KeywordsTable, 'word' | 'primary_word'>, { campaignId: string }>((k) =>
  k.selectFrom('keywords').select(['word', 'primary_word']).where('campaign_id', '=', param<string>('campaignId')).orderBy('position'),
);

const VERSION = query<{ value: string }>((k) => k.selectFrom('settings').select('value').where('key', '=', 'campaigns_version'));

function keywordsOf(db: SqliteDb, campaignId: string): KeywordSpec[] {
  const specs: KeywordSpec[] = [];
  for (const r of db.list(KEYWORDS, { campaignId })) {
    if (r.word === r.primary_word) specs.push({ word: r.word, aliases: [] });
    else specs.find((s) => s.word === r.primary_word)?.aliases.push(r.word);
  }
  return specs;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function view(db: SqliteDb, c: CampaignRow): CampaignView {
  return {
    id: c.id, name: c.name, programName: c.program_name, sender: c.sender, keywords: keywordsOf(db, c.id),
    frequency: c.frequency, supportContact: c.support_contact, helpText: c.help_text, expiryHours: c.expiry_hours,
    goalCents: c.goal_cents, flow: safeJson(c.flow), active: c.active === 1, createdAt: c.created_at, updatedAt: c.updated_at,
  };
}

function assertKeywordsFree(db: SqliteDb, sender: string, spec: CampaignSpec, exceptCampaign: string | null): void {
  const words = spec.keywords.flatMap((k) => [k.word, ...k.aliases]);
  let q = db.db
    .selectFrom('keywords')
    .innerJoin('campaigns', 'campaigns.id', 'keywords.campaign_id')
    .select(['keywords.word', 'campaigns.name'])
    .where('keywords.sender', '=', sender)
    .where('keywords.active', '=', 1)
    .where('keywords.word', 'in', words);
  if (exceptCampaign) q = q.where('keywords.campaign_id', '!=', exceptCampaign);
  const taken = db.all(q);
  if (taken.length > 0) {
    throw new AppError(
      'conflict',
      `keyword already in use on sender ${sender}`,
      taken.map((t) => ({ path: 'keywords', message: `"${t.word}" is used by campaign "${t.name}"` })),
    );
  }
}

function writeKeywords(db: SqliteDb, campaignId: string, sender: string, spec: CampaignSpec): void {
  db.run(db.db.deleteFrom('keywords').where('campaign_id', '=', campaignId));
  let position = 0;
  for (const k of spec.keywords) {
    for (const word of [k.word, ...k.aliases]) {
      db.run(db.db.insertInto('keywords').values({ campaign_id: campaignId, sender, word, primary_word: k.word, position: position++, active: 1 }));
    }
  }
}

function columns(spec: CampaignSpec) {
  return {
    name: spec.name, program_name: spec.programName, sender: spec.sender, frequency: spec.frequency,
    support_contact: spec.supportContact, help_text: spec.helpText, expiry_hours: spec.expiryHours,
    flow: JSON.stringify(spec.flow),
  };
}

/** Bumped on every campaign change so other processes reload their keyword index. */
export function bumpVersion(db: SqliteDb, now: string): void {
  db.run(
    db.db.insertInto('settings').values({ key: 'campaigns_version', value: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: now })),
  );
}

function mustFind(db: SqliteDb, id: string): CampaignView {
  const c = findNow(db, id);
  if (!c) throw new AppError('not_found', `campaign ${id} not found`);
  return c;
}

export function findNow(db: SqliteDb, id: string): CampaignView | undefined {
  const c = db.first(db.db.selectFrom('campaigns').selectAll().where('id', '=', id));
  return c ? view(db, c) : undefined;
}

export function listNow(db: SqliteDb, includeInactive: boolean): CampaignView[] {
  let q = db.db.selectFrom('campaigns').selectAll().orderBy('created_at').orderBy('id');
  if (!includeInactive) q = q.where('active', '=', 1);
  return db.all(q).map((c) => view(db, c));
}

export function versionNow(db: SqliteDb): string {
  return db.get(VERSION, {})?.value ?? '';
}

/**
 * Active campaigns as the router needs them. A campaign whose stored flow no longer parses is
 * reported as skipped: one broken campaign must not take the gateway down.
 */
export function runtimeNow(db: SqliteDb): RuntimeCampaigns {
  const out: RuntimeCampaigns = { campaigns: [], skipped: [] };
  // The inbox's auto-reply settings (a campaign without a row keeps the default: on).
  const autoReplies = new Map(db.all(db.db.selectFrom('campaign_auto_replies').selectAll()).map((r) => [r.campaign_id, r]));
  for (const c of db.all(db.db.selectFrom('campaigns').selectAll().where('active', '=', 1).orderBy('created_at').orderBy('id'))) {
    let json: unknown;
    try {
      json = JSON.parse(c.flow);
    } catch (err) {
      out.skipped.push({ campaignId: c.id, error: (err as Error).message });
      continue;
    }
    const parsed = parseFlow(json);
    if (!parsed.ok) {
      out.skipped.push({ campaignId: c.id, problems: parsed.problems });
      continue;
    }
    const runtime: CampaignRuntime = {
      id: c.id, name: c.name, programName: c.program_name, sender: c.sender, keywords: keywordsOf(db, c.id),
      frequency: c.frequency, supportContact: c.support_contact, helpText: c.help_text, expiryHours: c.expiry_hours, flow: parsed.value,
    };
    const auto = autoReplies.get(c.id);
    if (auto) runtime.autoReply = { enabled: auto.enabled === 1, text: auto.body };
    out.campaigns.push(runtime);
  }
  return out;
}

function createNow(db: SqliteDb, c: NewCampaign): void {
  const at = c.now.toISOString();
  assertKeywordsFree(db, c.spec.sender, c.spec, null);
  db.run(db.db.insertInto('campaigns').values({ id: c.id, ...columns(c.spec), goal_cents: c.goalCents, active: 1, created_at: at, updated_at: at }));
  writeKeywords(db, c.id, c.spec.sender, c.spec);
  bumpVersion(db, `${at}#${c.id}`);
}

export class SqliteCampaigns implements CampaignsRepository {
  constructor(private readonly db: SqliteDb) {}

  async list(includeInactive: boolean): Promise<CampaignView[]> {
    return listNow(this.db, includeInactive);
  }

  async find(id: string): Promise<CampaignView | undefined> {
    return findNow(this.db, id);
  }

  async create(c: NewCampaign): Promise<CampaignView> {
    this.db.tx(() => createNow(this.db, c));
    return mustFind(this.db, c.id);
  }

  async createIfNone(c: NewCampaign): Promise<CampaignView | null> {
    const created = this.db.tx(() => {
      const any = this.db.first(this.db.db.selectFrom('campaigns').select('id').limit(1));
      if (any) return false;
      createNow(this.db, c);
      return true;
    });
    return created ? mustFind(this.db, c.id) : null;
  }

  async update(id: string, spec: CampaignSpec, now: Date, goalCents?: number): Promise<CampaignView> {
    const db = this.db;
    const at = now.toISOString();
    db.tx(() => {
      const existing = db.first(db.db.selectFrom('campaigns').select(['id', 'active']).where('id', '=', id));
      if (!existing) throw new AppError('not_found', `campaign ${id} not found`);
      assertKeywordsFree(db, spec.sender, spec, id);
      const goal = goalCents === undefined ? {} : { goal_cents: goalCents };
      db.run(db.db.updateTable('campaigns').set({ ...columns(spec), ...goal, updated_at: at }).where('id', '=', id));
      writeKeywords(db, id, spec.sender, spec);
      if (existing.active === 0) db.run(db.db.updateTable('keywords').set({ active: 0 }).where('campaign_id', '=', id));
      bumpVersion(db, `${at}#${id}`);
    });
    return mustFind(db, id);
  }

  async setGoal(id: string, goalCents: number, now: Date): Promise<CampaignView> {
    const db = this.db;
    const n = db.run(db.db.updateTable('campaigns').set({ goal_cents: goalCents, updated_at: now.toISOString() }).where('id', '=', id));
    if (n === 0) throw new AppError('not_found', `campaign ${id} not found`);
    return mustFind(db, id);
  }

  async deactivate(id: string, now: Date): Promise<CampaignView> {
    const db = this.db;
    const at = now.toISOString();
    db.tx(() => {
      const n = db.run(db.db.updateTable('campaigns').set({ active: 0, updated_at: at }).where('id', '=', id));
      if (n === 0) throw new AppError('not_found', `campaign ${id} not found`);
      db.run(db.db.updateTable('keywords').set({ active: 0 }).where('campaign_id', '=', id));
      bumpVersion(db, `${at}#${id}`);
    });
    return mustFind(db, id);
  }

  async counts(): Promise<Map<string, CampaignCounts>> {
    const db = this.db;
    const rows = db.all(
      db.db
        .selectFrom('campaign_members as m')
        .innerJoin('contacts as c', 'c.id', 'm.contact_id')
        .where('c.is_test', '=', 0)
        .groupBy('m.campaign_id')
        .select((eb) => [
          'm.campaign_id as id',
          eb.fn.countAll<number>().as('joined'),
          eb.fn.count<number>('m.completed_at').as('completed'),
          eb.fn.sum<number>(eb.case().when('c.status', '=', 'opted_out').then(1).else(0).end()).as('opted_out'),
        ]),
    );
    return new Map(rows.map((r) => [r.id, { joined: Number(r.joined), completed: Number(r.completed), optedOut: Number(r.opted_out) }]));
  }

  async version(): Promise<string> {
    return versionNow(this.db);
  }

  async runtime(): Promise<RuntimeCampaigns> {
    return runtimeNow(this.db);
  }
}
