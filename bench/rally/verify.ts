/**
 * After the gateway has stopped: open its SQLite file (or PostgreSQL schema) and check that it holds exactly what the
 * crowd sent: one contact per phone with its captured name, ZIP and email, the pledges of those
 * who pledged (and none for those who skipped), and every conversation finished.
 */
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { Phone } from './crowd';

export interface Verification {
  ok: boolean;
  counts: Record<string, number>;
  problems: string[];
}

interface ContactRow {
  id: string;
  phone: string;
  status: string;
  first_name: string | null;
  zip: string | null;
  email: string | null;
}

/** The figures checked, as portable SQL (both engines). */
const COUNTS: Record<string, string> = {
  contacts: 'SELECT count(*) AS n FROM contacts',
  subscribed: "SELECT count(*) AS n FROM contacts WHERE status = 'subscribed'",
  inbound: 'SELECT count(*) AS n FROM inbound_messages',
  repliesSent: "SELECT count(*) AS n FROM outbound_messages WHERE status = 'twiml'",
  optIns: "SELECT count(*) AS n FROM consent_events WHERE kind = 'opt_in'",
  waiting: "SELECT count(*) AS n FROM conversations WHERE status = 'waiting'",
  completed: "SELECT count(*) AS n FROM conversations WHERE status = 'completed'",
  members: 'SELECT count(*) AS n FROM campaign_members',
  pledges: 'SELECT count(*) AS n FROM pledges',
  pledgedCents: 'SELECT coalesce(sum(amount_cents), 0) AS n FROM pledges',
};
const CONTACTS = 'SELECT id, phone, status, first_name, zip, email FROM contacts';
const PLEDGES = 'SELECT contact_id, amount_cents FROM pledges';

interface Stored {
  counts: Record<string, number>;
  contacts: ContactRow[];
  pledges: { contact_id: string; amount_cents: number }[];
}

/** `extraTexts`: texts each phone sent besides the sign-up (one vote in a `--poll` run), each answered once. */
export function verifyDatabase(file: string, phones: Phone[], stage: 'joined' | 'completed', extraTexts = 0): Verification {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const counts = Object.fromEntries(Object.entries(COUNTS).map(([k, q]) => [k, Number((db.prepare(q).get() as { n: number }).n)]));
    return check({ counts, contacts: db.prepare(CONTACTS).all() as ContactRow[], pledges: db.prepare(PLEDGES).all() as Stored['pledges'] }, phones, stage, extraTexts);
  } finally {
    db.close();
  }
}

/** The same checks on a PostgreSQL schema (`url` carries its search_path). */
export async function verifyPostgres(url: string, phones: Phone[], stage: 'joined' | 'completed'): Promise<Verification> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const [k, q] of Object.entries(COUNTS)) counts[k] = Number((await client.query<{ n: string }>(q)).rows[0]!.n);
    const contacts = (await client.query<ContactRow>(CONTACTS)).rows;
    const pledges = (await client.query<{ contact_id: string; amount_cents: string }>(PLEDGES)).rows.map((r) => ({ contact_id: r.contact_id, amount_cents: Number(r.amount_cents) }));
    return check({ counts, contacts, pledges }, phones, stage);
  } finally {
    await client.end();
  }
}

function check(stored: Stored, phones: Phone[], stage: 'joined' | 'completed', extraTexts = 0): Verification {
  const problems: string[] = [];
  const counts = stored.counts;
  const n = phones.length;
  const texts = (stage === 'joined' ? n : 5 * n) + extraTexts * n;
  const want: Record<string, number> = {
    contacts: n, subscribed: n, inbound: texts, repliesSent: texts, optIns: n, members: n,
    waiting: stage === 'joined' ? n : 0, completed: stage === 'joined' ? 0 : n,
    pledges: stage === 'joined' ? 0 : phones.filter((p) => p.pledgeCents !== null).length,
    pledgedCents: stage === 'joined' ? 0 : phones.reduce((s, p) => s + (p.pledgeCents ?? 0), 0),
  };
  for (const [k, v] of Object.entries(want)) {
    if (counts[k] !== v) problems.push(`${k}: expected ${v}, found ${counts[k]}`);
  }

  const contacts = new Map(stored.contacts.map((c) => [c.phone, c]));
  const pledgeBy = new Map<string, number[]>();
  for (const p of stored.pledges) pledgeBy.set(p.contact_id, [...(pledgeBy.get(p.contact_id) ?? []), p.amount_cents]);
  let wrongContacts = 0;
  for (const p of phones) {
    const c = contacts.get(p.from);
    const expected =
      stage === 'joined'
        ? { status: 'subscribed', first_name: null, zip: null, email: null, pledges: [] as number[] }
        : { status: 'subscribed', first_name: p.name, zip: p.zip, email: p.email, pledges: p.pledgeCents === null ? [] : [p.pledgeCents] };
    const actual = c
      ? { status: c.status, first_name: c.first_name, zip: c.zip, email: c.email, pledges: pledgeBy.get(c.id) ?? [] }
      : null;
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      wrongContacts++;
      if (wrongContacts <= 5) problems.push(`${p.from}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`);
    }
  }
  if (wrongContacts > 5) problems.push(`... ${wrongContacts} contacts differ in all`);
  return { ok: problems.length === 0, counts: { ...counts, wrongContacts }, problems };
}
