/** The campaigns repository (both engines): campaigns, their keywords, the registry's version stamp. */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../database';
import type { CampaignRuntime, CampaignSpec, KeywordSpec } from '../../core/campaign';
import { parseFlow } from '../../core/flow';
import { isLang, type Lang } from '../../core/language';
import type { TextOverrides } from '../../core/system-texts';
import { referralSettingsOf } from '../../core/referral-settings';
import { AppError } from '../../shared/errors';
import { param, query } from '../query';
import { all, engine, first, get, list, run, type Runner, type Work } from '../work';
import { channelSql } from '../cross-process';
import type {
  CampaignCounts, CampaignsRepository, CampaignView, NewCampaign, RuntimeCampaigns,
} from './repository';
import type { CampaignsTable, KeywordsTable } from './tables';

type CampaignRow = Selectable<CampaignsTable>;

const KEYWORDS = query<Pick<KeywordsTable, 'word' | 'primary_word' | 'language'>, { campaignId: string }>((k) =>
  k.selectFrom('keywords').select(['word', 'primary_word', 'language']).where('campaign_id', '=', param<string>('campaignId')).orderBy('position'),
);

const VERSION = query<{ value: string }>((k) => k.selectFrom('settings').select('value').where('key', '=', 'campaigns_version'));

function* keywordsOf(campaignId: string): Work<KeywordSpec[]> {
  const specs: KeywordSpec[] = [];
  for (const r of yield* list(KEYWORDS, { campaignId })) {
    const language = isLang(r.language) ? r.language : undefined;
    if (r.word === r.primary_word) {
      const spec: KeywordSpec = { word: r.word, aliases: [] };
      if (language) spec.language = language;
      specs.push(spec);
      continue;
    }
    const spec = specs.find((s) => s.word === r.primary_word);
    if (!spec) continue;
    spec.aliases.push(r.word);
    // An alias stored with its keyword's language inherited it; only its own is kept apart.
    if (language && language !== spec.language) (spec.aliasLanguages ??= {})[r.word] = language;
  }
  return specs;
}

/** The stored languages (a row from before 0009 has the column default, ["en"]). */
export function languagesOfRow(c: Pick<CampaignRow, 'languages'>): Lang[] {
  const parsed = safeJson(c.languages);
  const list = Array.isArray(parsed) ? parsed.filter(isLang) : [];
  return list.length > 0 ? list : ['en'];
}

function textsOfRow(c: Pick<CampaignRow, 'texts'>): TextOverrides {
  const parsed = safeJson(c.texts);
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as TextOverrides) : {};
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function* view(c: CampaignRow): Work<CampaignView> {
  return {
    id: c.id, name: c.name, programName: c.program_name, sender: c.sender, keywords: yield* keywordsOf(c.id),
    frequency: c.frequency, supportContact: c.support_contact, helpText: c.help_text, expiryHours: c.expiry_hours,
    goalCents: c.goal_cents, donationUrl: c.donation_url, flow: safeJson(c.flow), active: c.active === 1, createdAt: c.created_at, updatedAt: c.updated_at,
    languages: languagesOfRow(c), texts: textsOfRow(c), referrals: referralSettingsOf(c.referral_settings),
  };
}

function* assertKeywordsFree(k: Kysely<DB>, sender: string, spec: CampaignSpec, exceptCampaign: string | null): Work<void> {
  const words = spec.keywords.flatMap((w) => [w.word, ...w.aliases]);
  let q = k
    .selectFrom('keywords')
    .innerJoin('campaigns', 'campaigns.id', 'keywords.campaign_id')
    .select(['keywords.word', 'campaigns.name'])
    .where('keywords.sender', '=', sender)
    .where('keywords.active', '=', 1)
    .where('keywords.word', 'in', words);
  if (exceptCampaign) q = q.where('keywords.campaign_id', '!=', exceptCampaign);
  const taken = yield* all(q);
  if (taken.length > 0) {
    throw new AppError(
      'conflict',
      `keyword already in use on sender ${sender}`,
      taken.map((t) => ({ path: 'keywords', message: `"${t.word}" is used by campaign "${t.name}"` })),
    );
  }
}

function* writeKeywords(k: Kysely<DB>, campaignId: string, sender: string, spec: CampaignSpec): Work<void> {
  yield* run(k.deleteFrom('keywords').where('campaign_id', '=', campaignId));
  let position = 0;
  for (const w of spec.keywords) {
    for (const word of [w.word, ...w.aliases]) {
      const language = (word === w.word ? w.language : (w.aliasLanguages?.[word] ?? w.language)) ?? null;
      yield* run(k.insertInto('keywords').values({ campaign_id: campaignId, sender, word, primary_word: w.word, position: position++, active: 1, language }));
    }
  }
}

function columns(spec: CampaignSpec) {
  return {
    name: spec.name, program_name: spec.programName, sender: spec.sender, frequency: spec.frequency,
    support_contact: spec.supportContact, help_text: spec.helpText, expiry_hours: spec.expiryHours,
    flow: JSON.stringify(spec.flow), languages: JSON.stringify(spec.languages), texts: JSON.stringify(spec.texts),
    // Omitted on a replace: the donation URL stays as it is (null removes it).
    ...(spec.donationUrl === undefined ? {} : { donation_url: spec.donationUrl }),
    // Omitted on a replace: teams and referral settings stay as they are.
    ...(spec.referrals === undefined ? {} : { referral_settings: JSON.stringify(spec.referrals) }),
  };
}

/**
 * Bumped on every campaign change so other processes reload their keyword index. On PostgreSQL
 * the bump also notifies them (delivered when this transaction commits; src/store/postgres/signals.ts),
 * so they reload at once instead of at their next version check.
 */
export function* bumpVersion(k: Kysely<DB>, now: string): Work<void> {
  yield* run(
    k.insertInto('settings').values({ key: 'campaigns_version', value: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: now })),
  );
  if ((yield* engine()) === 'postgres') yield* first(k.selectNoFrom(sql<string>`pg_notify(${sql.raw(channelSql('campaigns'))}, ${now})::text`.as('n')));
}

function* mustFind(k: Kysely<DB>, id: string): Work<CampaignView> {
  const c = yield* findWork(k, id);
  if (!c) throw new AppError('not_found', `campaign ${id} not found`);
  return c;
}

function* findWork(k: Kysely<DB>, id: string): Work<CampaignView | undefined> {
  const c = yield* first(k.selectFrom('campaigns').selectAll().where('id', '=', id));
  return c ? yield* view(c) : undefined;
}

function* listWork(k: Kysely<DB>, includeInactive: boolean): Work<CampaignView[]> {
  let q = k.selectFrom('campaigns').selectAll().orderBy('created_at').orderBy('id');
  if (!includeInactive) q = q.where('active', '=', 1);
  const out: CampaignView[] = [];
  for (const c of yield* all(q)) out.push(yield* view(c));
  return out;
}

/**
 * Active campaigns as the router needs them. A campaign whose stored flow no longer parses is
 * reported as skipped: one broken campaign must not take the gateway down.
 */
function* runtimeWork(k: Kysely<DB>): Work<RuntimeCampaigns> {
  const out: RuntimeCampaigns = { campaigns: [], skipped: [] };
  // The inbox's auto-reply settings (a campaign without a row keeps the default: on).
  const autoReplies = new Map((yield* all(k.selectFrom('campaign_auto_replies').selectAll())).map((r) => [r.campaign_id, r]));
  for (const c of yield* all(k.selectFrom('campaigns').selectAll().where('active', '=', 1).orderBy('created_at').orderBy('id'))) {
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
      id: c.id, name: c.name, programName: c.program_name, sender: c.sender, keywords: yield* keywordsOf(c.id),
      frequency: c.frequency, supportContact: c.support_contact, helpText: c.help_text, expiryHours: c.expiry_hours, flow: parsed.value,
      languages: languagesOfRow(c), texts: textsOfRow(c),
      donationUrl: c.donation_url,
      referrals: referralSettingsOf(c.referral_settings),
    };
    const auto = autoReplies.get(c.id);
    if (auto) runtime.autoReply = { enabled: auto.enabled === 1, text: auto.body };
    out.campaigns.push(runtime);
  }
  return out;
}

function* createWork(k: Kysely<DB>, c: NewCampaign): Work<void> {
  const at = c.now.toISOString();
  yield* assertKeywordsFree(k, c.spec.sender, c.spec, null);
  yield* run(k.insertInto('campaigns').values({ id: c.id, ...columns(c.spec), goal_cents: c.goalCents, active: 1, created_at: at, updated_at: at }));
  yield* writeKeywords(k, c.id, c.spec.sender, c.spec);
  yield* writeTeamPages(k, c.id, c.spec, at);
  yield* bumpVersion(k, `${at}#${c.id}`);
}

/** Each team gets its page token once (a team kept across replaces keeps its link). */
function* writeTeamPages(k: Kysely<DB>, campaignId: string, spec: CampaignSpec, at: string): Work<void> {
  for (const t of spec.referrals?.teams ?? []) {
    yield* run(
      k.insertInto('team_pages').values({ campaign_id: campaignId, team: t.word, token: randomBytes(16).toString('base64url'), created_at: at })
        .onConflict((oc) => oc.columns(['campaign_id', 'team']).doNothing()),
    );
  }
}

export class CampaignsStore implements CampaignsRepository {
  constructor(private readonly db: Runner) {}

  private get k(): Kysely<DB> {
    return this.db.k;
  }

  list(includeInactive: boolean): Promise<CampaignView[]> {
    return this.db.read(listWork(this.k, includeInactive));
  }

  find(id: string): Promise<CampaignView | undefined> {
    return this.db.read(findWork(this.k, id));
  }

  async create(c: NewCampaign): Promise<CampaignView> {
    await this.db.tx(createWork(this.k, c));
    return this.db.read(mustFind(this.k, c.id));
  }

  async createIfNone(c: NewCampaign): Promise<CampaignView | null> {
    const k = this.k;
    const created = await this.db.tx(
      (function* (): Work<boolean> {
        const any = yield* first(k.selectFrom('campaigns').select('id').limit(1));
        if (any) return false;
        yield* createWork(k, c);
        return true;
      })(),
    );
    return created ? this.db.read(mustFind(k, c.id)) : null;
  }

  async update(id: string, spec: CampaignSpec, now: Date, goalCents?: number): Promise<CampaignView> {
    const k = this.k;
    const at = now.toISOString();
    await this.db.tx(
      (function* (): Work<void> {
        const existing = yield* first(k.selectFrom('campaigns').select(['id', 'active']).where('id', '=', id));
        if (!existing) throw new AppError('not_found', `campaign ${id} not found`);
        yield* assertKeywordsFree(k, spec.sender, spec, id);
        const goal = goalCents === undefined ? {} : { goal_cents: goalCents };
        yield* run(k.updateTable('campaigns').set({ ...columns(spec), ...goal, updated_at: at }).where('id', '=', id));
        yield* writeKeywords(k, id, spec.sender, spec);
        yield* writeTeamPages(k, id, spec, at);
        if (existing.active === 0) yield* run(k.updateTable('keywords').set({ active: 0 }).where('campaign_id', '=', id));
        yield* bumpVersion(k, `${at}#${id}`);
      })(),
    );
    return this.db.read(mustFind(k, id));
  }

  async setGoal(id: string, goalCents: number, now: Date): Promise<CampaignView> {
    const k = this.k;
    const n = await this.db.read(run(k.updateTable('campaigns').set({ goal_cents: goalCents, updated_at: now.toISOString() }).where('id', '=', id)));
    if (n === 0) throw new AppError('not_found', `campaign ${id} not found`);
    return this.db.read(mustFind(k, id));
  }

  async deactivate(id: string, now: Date): Promise<CampaignView> {
    const k = this.k;
    const at = now.toISOString();
    await this.db.tx(
      (function* (): Work<void> {
        const n = yield* run(k.updateTable('campaigns').set({ active: 0, updated_at: at }).where('id', '=', id));
        if (n === 0) throw new AppError('not_found', `campaign ${id} not found`);
        yield* run(k.updateTable('keywords').set({ active: 0 }).where('campaign_id', '=', id));
        yield* bumpVersion(k, `${at}#${id}`);
      })(),
    );
    return this.db.read(mustFind(k, id));
  }

  async counts(): Promise<Map<string, CampaignCounts>> {
    const rows = await this.db.read(
      all(
        this.k
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
      ),
    );
    return new Map(rows.map((r) => [r.id, { joined: Number(r.joined), completed: Number(r.completed), optedOut: Number(r.opted_out) }]));
  }

  async version(): Promise<string> {
    return (await this.db.read(get(VERSION, {})))?.value ?? '';
  }

  runtime(): Promise<RuntimeCampaigns> {
    return this.db.read(runtimeWork(this.k));
  }
}
