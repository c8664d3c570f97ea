/**
 * Whole-conversation golden files (fixtures/conversations/*.json), each run twice: against the
 * pure router alone (no HTTP, no SQLite: test/helpers/memory-router.ts), and through the real
 * listener with signed webhooks and a real SQLite database. Both with an injected clock.
 * Each turn is {in, expect} (exact reply bodies; a tracked link /l/<code> reads `<tracked link>`) or
 * {advance: "25h"}; `final` checks what landed.
 * A golden may bring its own `campaign` (a campaign body, e.g. a branching flow on keyword
 * CANVASS), created next to the demo campaign; its `final` then also checks the contact's
 * captured `fields`, and when it lists `languages` the contact's `language`. A golden's campaign
 * may have its own sender (`to`): it then speaks for it (HELP, STOP, the default reply).
 * A golden may also bring a `poll` (opened before the first turn, on the demo campaign) and
 * turns that act as an organizer would (`{"do": "close_poll"}`, `open_ideas`, `approve_ideas`,
 * `close_ideas`); its `final` then also checks the phone's current `vote` and the campaign's `ideas`.
 * UPDATE_GOLDEN=1 rewrites the expectations from the listener's behaviour (review the diff!).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ManualClock } from '../src/core/clock';
import { FIXTURES } from './helpers/fixtures';
import { admin, testApp, text, type TestApp } from './helpers/app';
import { MemoryRouter } from './helpers/memory-router';
import request from 'supertest';

interface Turn {
  in?: string;
  /** Another phone texts this turn (recruiters and their friends); default: the golden's `from`. */
  from?: string;
  do?: 'close_poll' | 'open_ideas' | 'approve_ideas' | 'close_ideas';
  expect?: string[];
  advance?: string;
  note?: string;
}

interface Final {
  contact?: Record<string, unknown>;
  fields?: Record<string, unknown>;
  pledgesCents?: number[];
  conversations?: string[];
  consent?: string[];
  /** The contact's language (checked for goldens whose campaign lists languages). */
  language?: string | null;
  vote?: string | null;
  ideas?: { number: number | null; text: string; status: string; votes: number }[];
  /** Goldens with `referrals: true`: per phone, who recruited it, how many it recruited, its teams (and `page`: its page answers). */
  referrals?: Record<string, ReferralFinal>;
}

interface ReferralFinal {
  recruitedBy: string | null;
  recruits: number;
  teams: string[];
  /** The phone's page (/p/<token>) answers 200, or 404 (opted out); null: it never asked for one. */
  page: 200 | 404 | null;
}

interface Golden {
  description: string;
  from: string;
  to?: string;
  campaign?: Record<string, unknown>;
  poll?: Record<string, unknown>;
  /** The final block also lists every phone's referral facts. */
  referrals?: boolean;
  turns: Turn[];
  final?: Final;
}

/** One way of holding a conversation: text, move the clock, read what landed. */
interface Driver {
  text(from: string, body: string, to: string): Promise<string[]>;
  advance(ms: number): void;
  final(phone: string): Final;
  /** Create the golden's own campaign before the first turn. */
  setUp?(campaign: Record<string, unknown>): Promise<void>;
  /** An organizer's action: open the golden's poll, close it, the ideas window and its queue. */
  act(action: 'open_poll' | NonNullable<Turn['do']>, poll?: Record<string, unknown>): Promise<void>;
  /** Referral codes issued so far, by phone. */
  codes(): Map<string, string>;
  referralFinal(phone: string): Promise<ReferralFinal>;
}

const DIR = path.join(FIXTURES, 'conversations');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const update = process.env.UPDATE_GOLDEN === '1';
const START = '2026-11-21T20:00:00.000Z';
const TRACKED_LINK = /https:\/\/sms\.rally\.example\/l\/[A-Za-z0-9]+/g;
const PAGE_LINK = /https:\/\/sms\.rally\.example\/p\/[A-Za-z0-9_-]+/g;

/**
 * A referral code is random: goldens write it as `{code:+13125550300}` (that phone's code), in
 * what is texted and in what is expected; `{code-typed:+1…}` is the same code typed in lower case
 * with a dash in the middle ("ana-7k").
 */
function withCodes(text: string, codes: Map<string, string>): string {
  return text.replace(/\{code(-typed)?:(\+\d+)\}/g, (_all, typed: string | undefined, phone: string) => {
    const code = codes.get(phone);
    if (!code) throw new Error(`no referral code for ${phone} yet`);
    return typed ? `${code.slice(0, 3)}-${code.slice(3)}`.toLowerCase() : code;
  });
}

function asCodes(text: string, codes: Map<string, string>): string {
  let out = text;
  for (const [phone, code] of codes) out = out.replace(new RegExp(`\\b${code}\\b`, 'g'), `{code:${phone}}`);
  return out;
}

function ms(duration: string): number {
  const m = /^(\d+)(m|h|d)$/.exec(duration);
  if (!m) throw new Error(`bad duration ${duration}`);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
}

async function play(file: string, driver: Driver, rewrite: boolean): Promise<void> {
  const golden = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Golden;
  if (golden.campaign) await driver.setUp?.(golden.campaign);
  if (golden.poll) await driver.act('open_poll', golden.poll);
  for (const turn of golden.turns) {
    if (turn.do) {
      await driver.act(turn.do);
      continue;
    }
    if (turn.advance) {
      driver.advance(ms(turn.advance));
      continue;
    }
    // A tracked link's code is random (an id): the golden shows where a link stands, not its code.
    const sent = await driver.text(turn.from ?? golden.from, withCodes(turn.in!, driver.codes()), golden.to ?? '62262');
    const codes = driver.codes();
    const replies = sent.map((r) => asCodes(r.replace(TRACKED_LINK, '<tracked link>').replace(PAGE_LINK, '<page link>'), codes));
    driver.advance(5_000);
    if (rewrite) turn.expect = replies;
    else expect({ in: turn.in, replies }).toEqual({ in: turn.in, replies: turn.expect });
  }
  const full = driver.final(golden.from);
  if (golden.referrals) {
    const phones = [...new Set([golden.from, ...golden.turns.flatMap((t) => (t.from ? [t.from] : []))])];
    full.referrals = {};
    for (const p of phones) full.referrals[p] = await driver.referralFinal(p);
  }
  const { fields, ...rest } = full;
  const actual: Final = golden.campaign ? full : rest;
  if (!golden.campaign?.languages) delete actual.language;
  if (rewrite) {
    golden.final = actual;
    fs.writeFileSync(path.join(DIR, file), `${JSON.stringify(golden, null, 2)}\n`);
  } else {
    expect(actual).toEqual(golden.final);
  }
}

describe('golden conversations against the pure router', () => {
  test.each(files)('%s', async (file) => {
    const clock = new ManualClock(START);
    const router = new MemoryRouter(clock);
    await play(
      file,
      {
        text: async (from, body, to) => router.text(from, body, to), advance: (d) => clock.advance(d), final: (p) => router.final(p),
        codes: () => router.codes(), referralFinal: async (p) => router.referralFinal(p),
        setUp: async (campaign) => router.addCampaign(campaign),
        act: async (action, poll) => {
          if (action === 'open_poll') router.openPoll(poll!);
          else if (action === 'close_poll') router.closePoll();
          else if (action === 'open_ideas') router.openIdeas();
          else if (action === 'close_ideas') router.closeIdeas();
          else router.approveIdeas();
        },
      },
      false,
    );
  });
});

describe('golden conversations through the real listener', () => {
  let t: TestApp;
  beforeEach(() => {
    t = testApp({}, START);
  });
  afterEach(() => t.close());

  function listenerFinal(phone: string): Final {
    const db = t.ctx.db.sqlite;
    const contact = db.prepare('SELECT * FROM contacts WHERE phone = ?').get(phone) as Record<string, unknown>;
    return {
      contact: { status: contact.status, first_name: contact.first_name, zip: contact.zip, email: contact.email },
      fields: JSON.parse(contact.fields as string) as Record<string, unknown>,
      pledgesCents: (db.prepare('SELECT amount_cents FROM pledges WHERE contact_id = ? ORDER BY at').all(contact.id) as { amount_cents: number }[]).map((p) => p.amount_cents),
      conversations: (db.prepare('SELECT status FROM conversations WHERE contact_id = ? ORDER BY started_at, rowid').all(contact.id) as { status: string }[]).map((c) => c.status),
      consent: (db.prepare('SELECT kind, keyword FROM consent_events WHERE contact_id = ? ORDER BY at, rowid').all(contact.id) as { kind: string; keyword: string }[]).map((c) => `${c.kind}:${c.keyword}`),
      language: contact.language as string | null,
      ...votingFinal(contact.id as string),
    };
  }

  function listenerCodes(): Map<string, string> {
    const rows = t.ctx.db.sqlite.prepare('SELECT c.phone, r.code FROM referrals r JOIN contacts c ON c.id = r.contact_id WHERE r.code IS NOT NULL').all() as { phone: string; code: string }[];
    return new Map(rows.map((r) => [r.phone, r.code]));
  }

  async function listenerReferralFinal(phone: string): Promise<ReferralFinal> {
    const db = t.ctx.db.sqlite;
    const c = db.prepare('SELECT id FROM contacts WHERE phone = ?').get(phone) as { id: string };
    const by = db.prepare('SELECT rc.phone FROM referrals r JOIN contacts rc ON rc.id = r.recruited_by WHERE r.contact_id = ?').get(c.id) as { phone: string } | undefined;
    const recruits = db.prepare('SELECT count(*) AS n FROM referrals WHERE recruited_by = ?').get(c.id) as { n: number | string };
    const teams = (db.prepare('SELECT team FROM contact_teams WHERE contact_id = ? ORDER BY team').all(c.id) as { team: string }[]).map((x) => x.team);
    const token = db.prepare('SELECT page_token FROM referrals WHERE contact_id = ? AND page_token IS NOT NULL').get(c.id) as { page_token: string } | undefined;
    const page = token ? ((await request(t.app).get(`/p/${token.page_token}`)).status as 200 | 404) : null;
    return { recruitedBy: by?.phone ?? null, recruits: Number(recruits.n), teams, page };
  }

  /** The phone's current vote (when a poll exists) and the campaign's ideas (when a window was opened). */
  function votingFinal(contactId: string): Pick<Final, 'vote' | 'ideas'> {
    const db = t.ctx.db.sqlite;
    const out: Pick<Final, 'vote' | 'ideas'> = {};
    const poll = db.prepare('SELECT id, options FROM polls ORDER BY created_at DESC LIMIT 1').get() as { id: string; options: string } | undefined;
    if (poll) {
      const v = db.prepare('SELECT option_index FROM poll_votes WHERE poll_id = ? AND contact_id = ?').get(poll.id, contactId) as { option_index: number | null } | undefined;
      out.vote = v?.option_index === null || v === undefined ? null : (JSON.parse(poll.options) as { label: string }[])[v.option_index]!.label;
    }
    if (db.prepare('SELECT id FROM idea_windows LIMIT 1').get()) {
      out.ideas = (db.prepare(
        'SELECT number, text, status, (SELECT count(*) FROM idea_votes v WHERE v.idea_id = i.id) AS votes FROM ideas i ORDER BY created_at, id',
      ).all() as { number: number | null; text: string; status: string; votes: number }[]).map((i) => ({ number: i.number, text: i.text, status: i.status, votes: Number(i.votes) }));
    }
    return out;
  }

  async function organizer(action: 'open_poll' | NonNullable<Turn['do']>, poll?: Record<string, unknown>): Promise<void> {
    const api = admin(t.app);
    const campaignId = (await api.get('/api/campaigns')).body.campaigns[0].id as string;
    const ok = (res: { status: number; body: unknown }) => {
      if (res.status >= 300) throw new Error(`${action} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res;
    };
    const lastPoll = () => (t.ctx.db.sqlite.prepare('SELECT id FROM polls ORDER BY created_at DESC LIMIT 1').get() as { id: string }).id;
    if (action === 'open_poll') {
      const id = ok(await api.post('/api/polls', { ...poll, campaignId })).body as { id: string };
      ok(await api.post(`/api/polls/${id.id}/open`));
    } else if (action === 'close_poll') ok(await api.post(`/api/polls/${lastPoll()}/close`));
    else if (action === 'open_ideas') ok(await api.post(`/api/campaigns/${campaignId}/ideas/open`));
    else if (action === 'close_ideas') ok(await api.post(`/api/campaigns/${campaignId}/ideas/close`));
    else {
      const queue = ok(await api.get(`/api/campaigns/${campaignId}/ideas`)).body as { id: string; status: string }[];
      const waiting = queue.filter((i) => i.status === 'pending' || i.status === 'flagged');
      for (const i of waiting) ok(await api.post(`/api/ideas/${i.id}/approve`));
    }
  }

  test.each(files)('%s', async (file) => {
    await play(
      file,
      {
        text: (from, body, to) => text(t.app, from, body, {}, to), advance: (d) => t.clock.advance(d), final: listenerFinal,
        codes: listenerCodes, referralFinal: listenerReferralFinal,
        setUp: async (campaign) => {
          const res = await admin(t.app).post('/api/campaigns', campaign);
          if (res.status !== 201) throw new Error(`campaign answered ${res.status}: ${JSON.stringify(res.body)}`);
        },
        act: organizer,
      },
      update,
    );
  });
});
