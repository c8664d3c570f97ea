/**
 * Whole-conversation golden files (fixtures/conversations/*.json), each run twice: against the
 * pure router alone (no HTTP, no SQLite: test/helpers/memory-router.ts), and through the real
 * listener with signed webhooks and a real SQLite database. Both with an injected clock.
 * Each turn is {in, expect} (exact reply bodies; a tracked link /l/<code> reads `<tracked link>`) or
 * {advance: "25h"}; `final` checks what landed.
 * A golden may bring its own `campaign` (a campaign body, e.g. a branching flow on keyword
 * CANVASS), created next to the demo campaign; its `final` then also checks the contact's
 * captured `fields`.
 * UPDATE_GOLDEN=1 rewrites the expectations from the listener's behaviour (review the diff!).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ManualClock } from '../src/core/clock';
import { FIXTURES } from './helpers/fixtures';
import { admin, testApp, text, type TestApp } from './helpers/app';
import { MemoryRouter } from './helpers/memory-router';

interface Turn {
  in?: string;
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
}

interface Golden {
  description: string;
  from: string;
  to?: string;
  campaign?: Record<string, unknown>;
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
}

const DIR = path.join(FIXTURES, 'conversations');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const update = process.env.UPDATE_GOLDEN === '1';
const START = '2026-11-21T20:00:00.000Z';
const TRACKED_LINK = /https:\/\/sms\.rally\.example\/l\/[A-Za-z0-9]+/g;

function ms(duration: string): number {
  const m = /^(\d+)(m|h|d)$/.exec(duration);
  if (!m) throw new Error(`bad duration ${duration}`);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
}

async function play(file: string, driver: Driver, rewrite: boolean): Promise<void> {
  const golden = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Golden;
  if (golden.campaign) await driver.setUp?.(golden.campaign);
  for (const turn of golden.turns) {
    if (turn.advance) {
      driver.advance(ms(turn.advance));
      continue;
    }
    // A tracked link's code is random (an id): the golden shows where a link stands, not its code.
    const replies = (await driver.text(golden.from, turn.in!, golden.to ?? '62262')).map((r) => r.replace(TRACKED_LINK, '<tracked link>'));
    driver.advance(5_000);
    if (rewrite) turn.expect = replies;
    else expect({ in: turn.in, replies }).toEqual({ in: turn.in, replies: turn.expect });
  }
  const full = driver.final(golden.from);
  const { fields, ...rest } = full;
  const actual = golden.campaign ? full : rest;
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
        setUp: async (campaign) => router.addCampaign(campaign),
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
    };
  }

  test.each(files)('%s', async (file) => {
    await play(
      file,
      {
        text: (from, body, to) => text(t.app, from, body, {}, to), advance: (d) => t.clock.advance(d), final: listenerFinal,
        setUp: async (campaign) => {
          const res = await admin(t.app).post('/api/campaigns', campaign);
          if (res.status !== 201) throw new Error(`campaign answered ${res.status}: ${JSON.stringify(res.body)}`);
        },
      },
      update,
    );
  });
});
