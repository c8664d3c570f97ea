/**
 * The database refusing writes, in-process (runs everywhere, no root needed): SQLite's own
 * max_page_count makes it full (SQLITE_FULL) and query_only makes it read-only (SQLITE_READONLY).
 * test/drills/database-unavailable.test.ts does the same with a real full disk and real
 * immutable files against the gateway process.
 */
import { inboundParams } from '../../src/twilio/rehearse';
import { nextSid, signedPost, testApp, type TestApp } from '../helpers/app';

describe('webhooks while the database refuses writes', () => {
  let t: TestApp;
  const db = () => t.ctx.db.sqlite;
  const count = (table: string) => (db().prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const snapshot = () => ({ inbound: count('inbound_messages'), contacts: count('contacts'), outbound: count('outbound_messages'), consent: count('consent_events') });

  beforeEach(() => {
    t = testApp();
  });
  afterEach(() => t.close());

  test.each([
    ['full (SQLITE_FULL)', () => db().pragma(`max_page_count = ${db().pragma('page_count', { simple: true }) as number}`), () => db().pragma('max_page_count = 1073741823')],
    ['read-only (SQLITE_READONLY)', () => db().pragma('query_only = ON'), () => db().pragma('query_only = OFF')],
  ])('%s: 503 + Retry-After, nothing written, the same webhooks succeed once it clears', async (_name, breakIt, fixIt) => {
    expect((await signedPost(t.app, '/twilio/sms', inboundParams('+13125550100', '62262', 'JOIN', { MessageSid: nextSid() }))).status).toBe(200);
    breakIt();
    const join = (i: number) => inboundParams(`+1312555${String(1000 + i)}`, '62262', 'JOIN', { MessageSid: nextSid() });
    // A full database still takes what fits in the free space of its last pages; then nothing fits.
    let i = 0;
    for (; i < 500; i++) if ((await signedPost(t.app, '/twilio/sms', join(i))).status !== 200) break;
    const before = snapshot();
    const refused = Array.from({ length: 30 }, (_, k) => join(1000 + k));
    // Half one by one, half all at once (sharing group commits): every one a 503, never a 500.
    const answers = [
      ...(await (async () => {
        const out = [];
        for (const p of refused.slice(0, 15)) out.push(await signedPost(t.app, '/twilio/sms', p));
        return out;
      })()),
      ...(await Promise.all(refused.slice(15).map((p) => signedPost(t.app, '/twilio/sms', p)))),
    ];
    for (const res of answers) {
      expect({ status: res.status, retryAfter: res.headers['retry-after'], code: res.body.error?.code }).toEqual({ status: 503, retryAfter: '5', code: 'unavailable' });
    }
    expect(snapshot()).toEqual(before);
    expect(t.logs.some((l) => l.includes('database unavailable'))).toBe(true);
    fixIt();
    for (const p of refused) {
      const res = await signedPost(t.app, '/twilio/sms', p);
      expect(res.status).toBe(200);
      expect(res.text).toContain("What's your first name?");
    }
    expect(snapshot().inbound).toBe(before.inbound + refused.length);
  });
});
