import { twiml } from 'twilio';
import request from 'supertest';
import { messagingTwiml } from '../../src/twilio/twiml';
import { testApp } from '../helpers/app';

describe('TwiML', () => {
  test.each([[[]], [['Hi']], [['a & b <c> "q" it\'s\r\nline ✓ 🎉', 'second']]])('matches twilio.twiml.MessagingResponse for %j', (bodies) => {
    const r = new twiml.MessagingResponse();
    for (const b of bodies) r.message(b);
    expect(messagingTwiml(bodies)).toBe(r.toString());
  });
});

describe('GET /healthz', () => {
  it('reports database reachability', async () => {
    const t = testApp();
    const ok = await request(t.app).get('/healthz');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ status: 'ok', database: 'ok', localMode: false });
    t.close();
    const down = await request(t.app).get('/healthz');
    expect(down.status).toBe(503);
    expect(down.body.database).toBe('unreachable');
  });
});
