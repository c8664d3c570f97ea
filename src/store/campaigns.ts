/** Campaign repository: CRUD for organizers and the runtime view the router needs. */
import type { Logger } from 'pino';
import { parseFlow, type Flow } from '../core/flow';
import type { CampaignRuntime, CampaignSpec, KeywordSpec } from '../core/campaign';
import type { IdGenerator } from '../core/clock';
import { AppError } from '../errors';
import type { Campaign } from './database';
import type { Store } from './open';

/** What the admin API shows: the runtime fields, the flow as stored, and bookkeeping. */
export interface CampaignView extends Omit<CampaignRuntime, 'flow'> {
  /** The stored flow JSON (shown as stored even when it no longer parses). */
  flow: unknown;
  goalCents: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

function keywordsOf(store: Store, campaignId: string): KeywordSpec[] {
  const rows = store.all(
    store.db.selectFrom('keywords').select(['word', 'primary_word']).where('campaign_id', '=', campaignId).orderBy('position'),
  );
  const specs: KeywordSpec[] = [];
  for (const r of rows) {
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

function view(store: Store, c: Campaign): CampaignView {
  return {
    id: c.id, name: c.name, programName: c.program_name, sender: c.sender, keywords: keywordsOf(store, c.id),
    frequency: c.frequency, supportContact: c.support_contact, helpText: c.help_text, expiryHours: c.expiry_hours,
    goalCents: c.goal_cents, flow: safeJson(c.flow), active: c.active === 1, createdAt: c.created_at, updatedAt: c.updated_at,
  };
}

function assertKeywordsFree(store: Store, sender: string, spec: CampaignSpec, exceptCampaign: string | null): void {
  const words = spec.keywords.flatMap((k) => [k.word, ...k.aliases]);
  let q = store.db
    .selectFrom('keywords')
    .innerJoin('campaigns', 'campaigns.id', 'keywords.campaign_id')
    .select(['keywords.word', 'campaigns.name'])
    .where('keywords.sender', '=', sender)
    .where('keywords.active', '=', 1)
    .where('keywords.word', 'in', words);
  if (exceptCampaign) q = q.where('keywords.campaign_id', '!=', exceptCampaign);
  const taken = store.all(q);
  if (taken.length > 0) {
    throw new AppError(
      'conflict',
      `keyword already in use on sender ${sender}`,
      taken.map((t) => ({ path: 'keywords', message: `"${t.word}" is used by campaign "${t.name}"` })),
    );
  }
}

function writeKeywords(store: Store, campaignId: string, sender: string, spec: CampaignSpec): void {
  store.run(store.db.deleteFrom('keywords').where('campaign_id', '=', campaignId));
  let position = 0;
  for (const k of spec.keywords) {
    for (const word of [k.word, ...k.aliases]) {
      store.run(
        store.db.insertInto('keywords').values({ campaign_id: campaignId, sender, word, primary_word: k.word, position: position++, active: 1 }),
      );
    }
  }
}

function columns(spec: CampaignSpec) {
  return {
    name: spec.name, program_name: spec.programName, sender: spec.sender, frequency: spec.frequency,
    support_contact: spec.supportContact, help_text: spec.helpText, expiry_hours: spec.expiryHours,
    flow: JSON.stringify(spec.flow),
    ...(spec.goalCents !== undefined ? { goal_cents: spec.goalCents } : {}),
  };
}

/** Bumped on every campaign change so other processes reload their keyword index. */
function bumpVersion(store: Store, now: string): void {
  store.run(
    store.db.insertInto('settings').values({ key: 'campaigns_version', value: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: now })),
  );
}

export function campaignsVersion(store: Store): string {
  return store.first(store.db.selectFrom('settings').select('value').where('key', '=', 'campaigns_version'))?.value ?? '';
}

export function createCampaign(store: Store, spec: CampaignSpec, newId: IdGenerator, now: Date): CampaignView {
  const id = newId();
  const at = now.toISOString();
  store.tx(() => {
    assertKeywordsFree(store, spec.sender, spec, null);
    store.run(store.db.insertInto('campaigns').values({ id, goal_cents: 0, ...columns(spec), active: 1, created_at: at, updated_at: at }));
    writeKeywords(store, id, spec.sender, spec);
    bumpVersion(store, `${at}#${id}`);
  });
  return getCampaign(store, id);
}

export function updateCampaign(store: Store, id: string, spec: CampaignSpec, now: Date): CampaignView {
  const at = now.toISOString();
  store.tx(() => {
    const existing = store.first(store.db.selectFrom('campaigns').select(['id', 'active']).where('id', '=', id));
    if (!existing) throw new AppError('not_found', `campaign ${id} not found`);
    assertKeywordsFree(store, spec.sender, spec, id);
    store.run(store.db.updateTable('campaigns').set({ ...columns(spec), updated_at: at }).where('id', '=', id));
    writeKeywords(store, id, spec.sender, spec);
    if (existing.active === 0) store.run(store.db.updateTable('keywords').set({ active: 0 }).where('campaign_id', '=', id));
    bumpVersion(store, `${at}#${id}`);
  });
  return getCampaign(store, id);
}

export function setCampaignGoal(store: Store, id: string, goalCents: number, now: Date): CampaignView {
  const n = store.run(store.db.updateTable('campaigns').set({ goal_cents: goalCents, updated_at: now.toISOString() }).where('id', '=', id));
  if (n === 0) throw new AppError('not_found', `campaign ${id} not found`);
  return getCampaign(store, id);
}

/** Deactivate: the campaign stops answering and its keywords are free for reuse. Data is kept. */
export function deactivateCampaign(store: Store, id: string, now: Date): CampaignView {
  const at = now.toISOString();
  store.tx(() => {
    const n = store.run(store.db.updateTable('campaigns').set({ active: 0, updated_at: at }).where('id', '=', id));
    if (n === 0) throw new AppError('not_found', `campaign ${id} not found`);
    store.run(store.db.updateTable('keywords').set({ active: 0 }).where('campaign_id', '=', id));
    bumpVersion(store, `${at}#${id}`);
  });
  return getCampaign(store, id);
}

export function getCampaign(store: Store, id: string): CampaignView {
  const c = store.first(store.db.selectFrom('campaigns').selectAll().where('id', '=', id));
  if (!c) throw new AppError('not_found', `campaign ${id} not found`);
  return view(store, c);
}

export function listCampaigns(store: Store, includeInactive = false): CampaignView[] {
  let q = store.db.selectFrom('campaigns').selectAll().orderBy('created_at').orderBy('id');
  if (!includeInactive) q = q.where('active', '=', 1);
  return store.all(q).map((c) => view(store, c));
}

export function countCampaigns(store: Store): number {
  return Number(store.first(store.db.selectFrom('campaigns').select((eb) => eb.fn.countAll<number>().as('n')))?.n ?? 0);
}

/**
 * Active campaigns as the router needs them. A campaign whose stored flow no longer parses is
 * skipped with an error log: one broken campaign must not take the gateway down.
 */
export function loadRuntimeCampaigns(store: Store, logger: Logger): CampaignRuntime[] {
  const out: CampaignRuntime[] = [];
  for (const c of store.all(store.db.selectFrom('campaigns').selectAll().where('active', '=', 1).orderBy('created_at').orderBy('id'))) {
    let flow: Flow;
    try {
      const parsed = parseFlow(JSON.parse(c.flow));
      if (!parsed.ok) {
        logger.error({ campaignId: c.id, problems: parsed.problems }, 'campaign skipped: stored flow is invalid');
        continue;
      }
      flow = parsed.value;
    } catch (err) {
      logger.error({ campaignId: c.id, err: (err as Error).message }, 'campaign skipped: stored flow is not JSON');
      continue;
    }
    out.push({
      id: c.id, name: c.name, programName: c.program_name, sender: c.sender, keywords: keywordsOf(store, c.id),
      frequency: c.frequency, supportContact: c.support_contact, helpText: c.help_text, expiryHours: c.expiry_hours, flow,
    });
  }
  return out;
}
