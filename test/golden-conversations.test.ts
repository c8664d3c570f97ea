/**
 * Whole-conversation golden files (fixtures/conversations/*.json) run through the real HTTP app,
 * signed webhooks and a real SQLite database, with an injected clock.
 * Each turn is {in, expect} (exact reply bodies) or {advance: "25h"}; `final` checks what landed.
 * UPDATE_GOLDEN=1 rewrites the expectations from the current behaviour (review the diff!).
 */
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES } from './helpers/fixtures';
import { testApp, text, type TestApp } from './helpers/app';

interface Turn {
  in?: string;
  expect?: string[];
  advance?: string;
  note?: string;
}

interface Golden {
  description: string;
  from: string;
  to?: string;
  turns: Turn[];
  final?: {
    contact?: Record<string, unknown>;
    pledgesCents?: number[];
    conversations?: string[];
    consent?: string[];
  };
}

const DIR = path.join(FIXTURES, 'conversations');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const update = process.env.UPDATE_GOLDEN === '1';

function ms(duration: string): number {
  const m = /^(\d+)(m|h|d)$/.exec(duration);
  if (!m) throw new Error(`bad duration ${duration}`);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
}

describe('golden conversations', () => {
  let t: TestApp;
  beforeEach(() => {
    t = testApp();
  });
  afterEach(() => t.close());

  test.each(files)('%s', async (file) => {
    const golden = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Golden;
    for (const turn of golden.turns) {
      if (turn.advance) {
        t.clock.advance(ms(turn.advance));
        continue;
      }
      const replies = await text(t.app, golden.from, turn.in!, {}, golden.to ?? '62262');
      t.clock.advance(5_000);
      if (update) turn.expect = replies;
      else expect({ in: turn.in, replies }).toEqual({ in: turn.in, replies: turn.expect });
    }
    const db = t.ctx.db.sqlite;
    const contact = db.prepare('SELECT * FROM contacts WHERE phone = ?').get(golden.from) as Record<string, unknown>;
    const actual = {
      contact: { status: contact.status, first_name: contact.first_name, zip: contact.zip, email: contact.email },
      pledgesCents: (db.prepare('SELECT amount_cents FROM pledges WHERE contact_id = ? ORDER BY at').all(contact.id) as { amount_cents: number }[]).map((p) => p.amount_cents),
      conversations: (db.prepare('SELECT status FROM conversations WHERE contact_id = ? ORDER BY started_at, rowid').all(contact.id) as { status: string }[]).map((c) => c.status),
      consent: (db.prepare('SELECT kind, keyword FROM consent_events WHERE contact_id = ? ORDER BY at, rowid').all(contact.id) as { kind: string; keyword: string }[]).map((c) => `${c.kind}:${c.keyword}`),
    };
    if (update) {
      golden.final = actual;
      fs.writeFileSync(path.join(DIR, file), `${JSON.stringify(golden, null, 2)}\n`);
    } else {
      expect(actual).toEqual(golden.final);
    }
  });
});
