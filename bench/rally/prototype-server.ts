/**
 * The calibration prototype, so its claim can be checked on the machine at hand:
 * "signature check + one synchronous better-sqlite3 transaction of ~7 prepared statements +
 * TwiML reaches about 0.6 of bare express". express + express.urlencoded + twilio's
 * validateRequest + one BEGIN IMMEDIATE ... COMMIT per webhook of 7 prepared statements on the
 * real schema (dedupe read, contact upsert, conversation read, inbound insert, status read,
 * outbox insert, contact update) + a TwiML string. No flow, no compliance, no group commit.
 * Run as a child process by bench/rally.ts with TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import express from 'express';
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { migrateSqliteSync } from '../../src/store/migrations';

const db = new BetterSqlite3(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rally-prototype-')), 'prototype.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
migrateSqliteSync(db);
db.prepare(
  "INSERT INTO campaigns (id, name, program_name, sender, frequency, support_contact, flow, created_at, updated_at) VALUES ('c1', 'c', 'p', '62262', 'f', 's', '{}', 't', 't')",
).run();

const q = {
  seen: db.prepare('SELECT id FROM inbound_messages WHERE message_sid = ?'),
  contact: db.prepare(
    "INSERT INTO contacts (id, phone, status, created_at, updated_at) VALUES (?, ?, 'subscribed', ?, ?) ON CONFLICT (phone) DO UPDATE SET updated_at = excluded.updated_at RETURNING id",
  ),
  waiting: db.prepare("SELECT id FROM conversations WHERE contact_id = ? AND sender = '62262' AND status = 'waiting'"),
  inbound: db.prepare(
    "INSERT INTO inbound_messages (id, message_sid, contact_id, campaign_id, sender, body, num_media, handled_as, received_at) VALUES (?, ?, ?, 'c1', '62262', ?, 0, 'prototype', ?)",
  ),
  status: db.prepare('SELECT status FROM contacts WHERE id = ?'),
  outbound: db.prepare(
    "INSERT INTO outbound_messages (id, contact_id, campaign_id, inbound_id, position, kind, purpose, body, segments, status, created_at, updated_at) VALUES (?, ?, 'c1', ?, 0, 'reply', 'reply', ?, 1, 'twiml', ?, ?)",
  ),
  update: db.prepare('UPDATE contacts SET first_name = ?, updated_at = ? WHERE id = ?'),
};
const REPLY = 'Thanks! We got your message.';

const handle = db.transaction((p: Record<string, string>) => {
  const at = new Date().toISOString();
  if (q.seen.get(p.MessageSid)) return;
  const contact = q.contact.get(randomUUID(), p.From, at, at) as { id: string };
  q.waiting.get(contact.id);
  const inboundId = randomUUID();
  q.inbound.run(inboundId, p.MessageSid, contact.id, p.Body ?? '', at);
  q.status.get(contact.id);
  q.outbound.run(randomUUID(), contact.id, inboundId, REPLY, at, at);
  q.update.run((p.Body ?? '').slice(0, 50), at, contact.id);
});

const token = process.env.TWILIO_AUTH_TOKEN!;
const url = `${process.env.PUBLIC_BASE_URL}/twilio/sms`;
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/twilio/sms', express.urlencoded({ extended: false }), (req, res) => {
  if (!validateRequest(token, req.get('X-Twilio-Signature') ?? '', url, req.body as Record<string, string>)) {
    res.status(403).end();
    return;
  }
  handle.immediate(req.body as Record<string, string>);
  res.status(200).type('text/xml').send(`<?xml version="1.0" encoding="UTF-8"?><Response><Message>${REPLY}</Message></Response>`);
});

const server = app.listen(Number(process.env.PORT ?? 3003), process.env.HOST ?? '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
