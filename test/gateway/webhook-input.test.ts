/**
 * The bad-input table for POST /twilio/sms: every case answers a precise status, never a 500,
 * and stores nothing unless the request was signed and well-formed.
 */
import request from 'supertest';
import { encodeForm, twimlMessages } from '../../src/twilio/rehearse';
import { signTwilioRequest } from '../../src/twilio/signature';
import { AUTH_TOKEN, PUBLIC_BASE_URL, signedPost, testApp, type TestApp } from '../helpers/app';
import { loadForm } from '../helpers/fixtures';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

function count(table: string): number {
  return (t.ctx.db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}
const nothingStored = () => expect({ inbound: count('inbound_messages'), contacts: count('contacts'), outbound: count('outbound_messages') }).toEqual({ inbound: 0, contacts: 0, outbound: 0 });

describe('signature', () => {
  it('accepts the captured short-code payload signed by the twilio library', async () => {
    const res = await signedPost(t.app, '/twilio/sms', loadForm('inbound-shortcode'));
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/xml');
    expect(twimlMessages(res.text)[0]).toMatch(/^Rally Alerts: Thanks for joining!/);
    expect(count('inbound_messages')).toBe(1);
  });

  it('refuses a missing signature with 403 and stores nothing', async () => {
    const res = await request(t.app).post('/twilio/sms').type('form').send(encodeForm(loadForm('inbound-shortcode')));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('bad_signature');
    nothingStored();
  });

  it('refuses a forged signature (wrong token) with 403 and stores nothing', async () => {
    const res = await signedPost(t.app, '/twilio/sms', loadForm('inbound-shortcode'), 'not-the-real-token-123456');
    expect(res.status).toBe(403);
    nothingStored();
  });

  it('refuses a signature over other params (tampered body)', async () => {
    const params = loadForm('inbound-shortcode');
    const sig = signTwilioRequest(AUTH_TOKEN, `${PUBLIC_BASE_URL}/twilio/sms`, params);
    const res = await request(t.app)
      .post('/twilio/sms')
      .type('form')
      .set('X-Twilio-Signature', sig)
      .send(encodeForm({ ...params, Body: 'STOP' }));
    expect(res.status).toBe(403);
    nothingStored();
  });

  it('checks against PUBLIC_BASE_URL, not the Host header (behind a proxy)', async () => {
    const params = loadForm('inbound-shortcode');
    const sigForHost = signTwilioRequest(AUTH_TOKEN, 'http://127.0.0.1/twilio/sms', params);
    const res = await request(t.app).post('/twilio/sms').type('form').set('X-Twilio-Signature', sigForHost).send(encodeForm(params));
    expect(res.status).toBe(403);
  });

  it('includes the query string in the signed URL', async () => {
    const params = loadForm('inbound-shortcode');
    const sig = signTwilioRequest(AUTH_TOKEN, `${PUBLIC_BASE_URL}/twilio/sms?campaign=x`, params);
    const ok = await request(t.app).post('/twilio/sms?campaign=x').type('form').set('X-Twilio-Signature', sig).send(encodeForm(params));
    expect(ok.status).toBe(200);
  });

  it('answers 415 for a JSON body', async () => {
    const res = await request(t.app).post('/twilio/sms').set('X-Twilio-Signature', 'x').send({ Body: 'JOIN' });
    expect(res.status).toBe(415);
    nothingStored();
  });
});

describe('malformed but signed webhooks', () => {
  test.each(['From', 'To', 'MessageSid', 'Body'])('missing %s → 400 naming it, nothing stored', async (field) => {
    const params = loadForm('inbound-shortcode');
    delete params[field];
    const res = await signedPost(t.app, '/twilio/sms', params);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    nothingStored();
  });

  it('a Body of exactly 1,600 characters is accepted; 1,601 is a 400', async () => {
    const ok = await signedPost(t.app, '/twilio/sms', loadForm('inbound-shortcode', { Body: 'x'.repeat(1600) }));
    expect(ok.status).toBe(200);
    const tooLong = await signedPost(t.app, '/twilio/sms', loadForm('inbound-shortcode', { Body: 'x'.repeat(1601), MessageSid: `SM${'1'.repeat(32)}` }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details[0].path).toBe('Body');
  });

  it('a request body over 100 KB → 413, nothing stored', async () => {
    const res = await signedPost(t.app, '/twilio/sms', loadForm('inbound-shortcode', { Padding: 'p'.repeat(110_000) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    nothingStored();
  });

  it('a malformed MessageSid → 400', async () => {
    const res = await signedPost(t.app, '/twilio/sms', loadForm('inbound-shortcode', { MessageSid: 'SM123' }));
    expect(res.status).toBe(400);
  });

  it('unknown extra params are fine (Twilio adds new ones)', async () => {
    const res = await signedPost(t.app, '/twilio/sms', loadForm('inbound-shortcode', { BrandNewParam: 'x', AddOns: '{"status":"successful"}' }));
    expect(res.status).toBe(200);
  });

  it('an unknown To → 200 <Response/> and a warning log, nothing stored', async () => {
    const res = await signedPost(t.app, '/twilio/sms', loadForm('inbound-shortcode', { To: '+13125559999' }));
    expect(res.status).toBe(200);
    expect(res.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(t.logs.some((l) => l.includes('"level":40') && l.includes('no active campaign'))).toBe(true);
    nothingStored();
  });

  test.each([['alphanumeric sender', 'VERIFY'], ['short code', '22395'], ['garbage', '+++'], ['email', 'a@b.c']])(
    'a From that is not a phone number (%s) is ignored safely', async (_label, from) => {
      const res = await signedPost(t.app, '/twilio/sms', loadForm('inbound-alphanumeric-sender', { From: from }));
      expect(res.status).toBe(200);
      expect(twimlMessages(res.text)).toEqual([]);
      nothingStored();
    },
  );

  it('emoji and accents travel intact, stored as sent', async () => {
    const res = await signedPost(t.app, '/twilio/sms', loadForm('inbound-accents-emoji'));
    expect(res.status).toBe(200);
    const row = t.ctx.db.sqlite.prepare('SELECT body FROM inbound_messages').get() as { body: string };
    expect(row.body).toBe('JOIN 🎉 ¡Sí se puede!');
  });

  it('MMS with a keyword body starts the flow and records the media count', async () => {
    const res = await signedPost(t.app, '/twilio/sms', loadForm('inbound-mms'));
    expect(twimlMessages(res.text)[0]).toContain("What's your first name?");
    expect((t.ctx.db.sqlite.prepare('SELECT num_media FROM inbound_messages').get() as { num_media: number }).num_media).toBe(1);
  });

  it('an unknown route is a JSON 404', async () => {
    const res = await request(t.app).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('a campaign whose stored flow is malformed', () => {
  it('is skipped with an error log while the server keeps serving', async () => {
    const db = t.ctx.db.sqlite;
    const id = (db.prepare("SELECT id FROM campaigns WHERE sender = '62262'").get() as { id: string }).id;
    db.prepare("UPDATE campaigns SET flow = '{not json' WHERE id = ?").run(id);
    await t.ctx.registry.reload();
    expect(t.logs.some((l) => l.includes('"level":50') && l.includes('campaign skipped'))).toBe(true);
    const res = await signedPost(t.app, '/twilio/sms', loadForm('inbound-shortcode'));
    expect(res.status).toBe(200);
    expect(res.text).toContain('<Response/>');
    const health = await request(t.app).get('/healthz');
    expect(health.status).toBe(200);
  });
});
