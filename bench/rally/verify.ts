/**
 * After the gateway has stopped: open its SQLite file and check that it holds exactly what the
 * crowd sent: one contact per phone with its captured name, ZIP and email, the pledges of those
 * who pledged (and none for those who skipped), and every conversation finished.
 */
import BetterSqlite3 from 'better-sqlite3';
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

export function verifyDatabase(file: string, phones: Phone[], stage: 'joined' | 'completed'): Verification {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const problems: string[] = [];
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const counts = {
      contacts: count('SELECT count(*) AS n FROM contacts'),
      subscribed: count("SELECT count(*) AS n FROM contacts WHERE status = 'subscribed'"),
      inbound: count('SELECT count(*) AS n FROM inbound_messages'),
      repliesSent: count("SELECT count(*) AS n FROM outbound_messages WHERE status = 'twiml'"),
      optIns: count("SELECT count(*) AS n FROM consent_events WHERE kind = 'opt_in'"),
      waiting: count("SELECT count(*) AS n FROM conversations WHERE status = 'waiting'"),
      completed: count("SELECT count(*) AS n FROM conversations WHERE status = 'completed'"),
      members: count('SELECT count(*) AS n FROM campaign_members'),
      pledges: count('SELECT count(*) AS n FROM pledges'),
      pledgedCents: count('SELECT coalesce(sum(amount_cents), 0) AS n FROM pledges'),
    };
    const n = phones.length;
    const texts = stage === 'joined' ? n : 5 * n;
    const want: Record<string, number> = {
      contacts: n, subscribed: n, inbound: texts, repliesSent: texts, optIns: n, members: n,
      waiting: stage === 'joined' ? n : 0, completed: stage === 'joined' ? 0 : n,
      pledges: stage === 'joined' ? 0 : phones.filter((p) => p.pledgeCents !== null).length,
      pledgedCents: stage === 'joined' ? 0 : phones.reduce((s, p) => s + (p.pledgeCents ?? 0), 0),
    };
    for (const [k, v] of Object.entries(want)) {
      if ((counts as Record<string, number>)[k] !== v) problems.push(`${k}: expected ${v}, found ${(counts as Record<string, number>)[k]}`);
    }

    const contacts = new Map((db.prepare('SELECT id, phone, status, first_name, zip, email FROM contacts').all() as ContactRow[]).map((c) => [c.phone, c]));
    const pledgeBy = new Map<string, number[]>();
    for (const p of db.prepare('SELECT contact_id, amount_cents FROM pledges').all() as { contact_id: string; amount_cents: number }[]) {
      pledgeBy.set(p.contact_id, [...(pledgeBy.get(p.contact_id) ?? []), p.amount_cents]);
    }
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
  } finally {
    db.close();
  }
}
