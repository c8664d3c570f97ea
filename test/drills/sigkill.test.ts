/**
 * Drill: SIGKILL the gateway in the middle of a burst, restart it on the same database, finish.
 *
 * - every webhook answered 200 before the kill is in the database with its effects (the reply
 *   it got is the stored reply; its contact, conversation, captures and pledge are there);
 * - no conversation is corrupted: each phone's stored texts are a prefix of what it sent, and
 *   its conversation, fields and pledge are exactly what that prefix implies;
 * - replaying the unanswered webhooks (same MessageSid, as Twilio's retry or a re-send would)
 *   succeeds, and the finished burst leaves exactly the expected rally in the database.
 */
import BetterSqlite3 from 'better-sqlite3';
import { tempDbFile } from '../helpers/app';
import { crowd, drive, type Answer, type Outcome, type Phone } from '../helpers/crowd';
import { gatewayEnv, startGateway, type GatewayProcess } from '../helpers/gateway-process';

jest.setTimeout(120_000);

const PHONES = 240;
const KILL_AFTER = 500; // of 1,200 webhooks

interface Stored {
  sids: Set<string>;
  repliesBySid: Map<string, string[]>;
}

function stored(file: string): Stored {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const rows = db
      .prepare(
        "SELECT i.message_sid AS sid, o.body AS body FROM inbound_messages i LEFT JOIN outbound_messages o ON o.inbound_id = i.id AND o.status = 'twiml' ORDER BY i.message_sid, o.position",
      )
      .all() as { sid: string; body: string | null }[];
    const repliesBySid = new Map<string, string[]>();
    for (const r of rows) repliesBySid.set(r.sid, [...(repliesBySid.get(r.sid) ?? []), ...(r.body === null ? [] : [r.body])]);
    return { sids: new Set(repliesBySid.keys()), repliesBySid };
  } finally {
    db.close();
  }
}

/** Every phone's stored state is exactly what the first k of its texts imply. */
function expectConsistent(file: string, phones: Phone[], committed: Set<string>): void {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const problems: string[] = [];
    for (const p of phones) {
      const k = p.texts.findIndex((t) => !committed.has(t.sid));
      const prefix = k === -1 ? 5 : k;
      if (p.texts.slice(prefix).some((t) => committed.has(t.sid))) problems.push(`${p.from}: stored texts are not a prefix`);
      const c = db.prepare('SELECT id, status, first_name, zip, email FROM contacts WHERE phone = ?').get(p.from) as
        | { id: string; status: string; first_name: string | null; zip: string | null; email: string | null }
        | undefined;
      if (prefix === 0) {
        if (c) problems.push(`${p.from}: contact exists without any stored text`);
        continue;
      }
      if (!c) {
        problems.push(`${p.from}: ${prefix} texts stored but no contact`);
        continue;
      }
      const convs = db.prepare('SELECT status, step_index FROM conversations WHERE contact_id = ?').all(c.id) as { status: string; step_index: number }[];
      const pledges = (db.prepare('SELECT amount_cents FROM pledges WHERE contact_id = ?').all(c.id) as { amount_cents: number }[]).map((r) => r.amount_cents);
      const actual = { status: c.status, first_name: c.first_name, zip: c.zip, email: c.email, convs, pledges };
      const expected = {
        status: 'subscribed',
        first_name: prefix >= 2 ? p.name : null,
        zip: prefix >= 3 ? p.zip : null,
        email: prefix >= 5 ? p.email : null,
        convs: [prefix === 5 ? { status: 'completed', step_index: 4 } : { status: 'waiting', step_index: prefix - 1 }],
        pledges: prefix >= 4 && p.pledgeCents !== null ? [p.pledgeCents] : [],
      };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        problems.push(`${p.from} after ${prefix} texts: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  } finally {
    db.close();
  }
}

test('SIGKILL mid-burst loses nothing that was answered, corrupts nothing, and replays finish the burst', async () => {
  const file = tempDbFile();
  const env = gatewayEnv(file);
  const phones = crowd(PHONES);
  let gw: GatewayProcess | undefined = await startGateway(env);
  let answered = 0;
  const answeredBeforeKill = new Map<string, Answer>();
  let killed = false;

  const first = await drive(gw.baseUrl, phones, 40, {
    onAnswer: (t, a) => {
      if (killed || a.status !== 200) return;
      answeredBeforeKill.set(t.sid, a);
      if (++answered === KILL_AFTER) {
        killed = true;
        gw!.kill('SIGKILL');
      }
    },
  });
  const exit = await gw.exited;
  expect(exit.signal).toBe('SIGKILL');
  const failures = [...first.values()].filter((o) => 'error' in o || o.answer.status !== 200).length;
  expect(failures).toBeGreaterThan(0); // the kill really caught requests in flight or unsent
  expect(answeredBeforeKill.size).toBe(KILL_AFTER);

  // Restart on the same database (SQLite recovers the WAL), then look at what survived.
  gw = await startGateway(env);
  try {
    const afterKill = stored(file);
    const lost = [...answeredBeforeKill.keys()].filter((sid) => !afterKill.sids.has(sid));
    expect(lost).toEqual([]);
    for (const [sid, a] of answeredBeforeKill) expect(afterKill.repliesBySid.get(sid)).toEqual(a.replies);
    expectConsistent(file, phones, afterKill.sids);

    // Replay every unanswered text with its original MessageSid, then finish the burst.
    const answeredSids = new Set(answeredBeforeKill.keys());
    const resumeAt = (p: Phone) => {
      const i = p.texts.findIndex((t) => !answeredSids.has(t.sid));
      return i === -1 ? 5 : i;
    };
    const replayed = await drive(gw.baseUrl, phones, 40, { start: resumeAt });
    const bad: string[] = [];
    for (const p of phones) {
      for (const t of p.texts.slice(resumeAt(p))) {
        const o = replayed.get(t.sid) as Outcome | undefined;
        if (!o || 'error' in o || o.answer.status !== 200 || !o.answer.replies.join('\n').includes(t.expect)) {
          bad.push(`${t.sid} ${t.body}: ${JSON.stringify(o)}`);
        }
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
  } finally {
    gw.kill('SIGTERM');
    expect((await gw.exited).code).toBe(0);
  }

  const final = stored(file);
  expect(final.sids.size).toBe(PHONES * 5);
  expectConsistent(file, phones, final.sids);
});
