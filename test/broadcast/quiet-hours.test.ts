/**
 * Quiet hours in the recipient's local time (ZIP, else area code), with an injected clock:
 * texts outside the window wait for it and are never dropped; the status counts them as waiting.
 */
import { isOpen, localMinutes, zoneForContact } from '../../src/core/quiet-hours';
import { stateForZip, zip3sForState } from '../../src/core/time-zones';
import { broadcastHarness, sentBodies } from '../helpers/broadcast';

const WINDOW = { start: '08:00', end: '21:00' };

describe('where a recipient is', () => {
  test.each([
    ['10001', '+13125550100', 'America/New_York'], // ZIP wins over a Chicago area code
    ['60614', '+12125550100', 'America/Chicago'],
    ['85004', null, 'America/Phoenix'],
    ['32501', null, 'America/Chicago'], // Pensacola: the Florida panhandle
    ['79901', null, 'America/Denver'], // El Paso
    ['83814', null, 'America/Los_Angeles'], // Coeur d'Alene, north Idaho
    ['96813', null, 'Pacific/Honolulu'],
    ['99501', null, 'America/Anchorage'],
    ['00901', null, 'America/Puerto_Rico'],
    ['60614-1234', null, 'America/Chicago'],
    [null, '+12125550100', 'America/New_York'], // no ZIP: area code
    [null, '+19155550100', 'America/Denver'], // 915 El Paso, though Texas is mostly Central
    [null, '+14165550100', 'America/New_York'], // Toronto
    ['', '+16025550100', 'America/Phoenix'],
    ['abcde', '+13105550100', 'America/Los_Angeles'], // junk ZIP: area code
    [null, '+18005550100', ''], // toll-free: unknown
    [null, '+447700900123', ''], // not NANP: unknown
    ['09012', null, ''], // military APO/FPO: unknown
  ])('zip %s, phone %s → %s', (zip, phone, zone) => {
    expect(zoneForContact({ zip, phone: phone ?? '+18005550100' })).toBe(zone);
  });

  test('ZIP → state, and a state → its ZIP3 prefixes', () => {
    expect(stateForZip('60614')).toBe('IL');
    expect(stateForZip('20500')).toBe('DC');
    expect(stateForZip('73301')).toBe('TX');
    expect(zip3sForState('RI')).toEqual(['028', '029']);
  });
});

describe('the sending window', () => {
  test('in each zone, with daylight saving where it applies', () => {
    const at = new Date('2026-11-21T13:30:00Z'); // 08:30 New York, 07:30 Chicago, 05:30 Los Angeles
    expect(localMinutes('America/New_York', at)).toBe(8 * 60 + 30);
    expect(isOpen(WINDOW, 'America/New_York', at)).toBe(true);
    expect(isOpen(WINDOW, 'America/Chicago', at)).toBe(false);
    expect(isOpen(WINDOW, 'America/Los_Angeles', at)).toBe(false);
    // Arizona does not observe DST: in July 14:30Z is 07:30 in Phoenix but 08:30 in Denver.
    const july = new Date('2026-07-01T14:30:00Z');
    expect(isOpen(WINDOW, 'America/Phoenix', july)).toBe(false);
    expect(isOpen(WINDOW, 'America/Denver', july)).toBe(true);
    // End is exclusive: 21:00 local is closed.
    expect(isOpen(WINDOW, 'America/New_York', new Date('2026-11-22T01:59:00Z'))).toBe(true);
    expect(isOpen(WINDOW, 'America/New_York', new Date('2026-11-22T02:00:00Z'))).toBe(false);
  });

  test('an unknown location gets the strictest window: open only when it is open in every contiguous-US zone', () => {
    expect(isOpen(WINDOW, '', new Date('2026-11-21T15:59:00Z'))).toBe(false); // 07:59 Los Angeles
    expect(isOpen(WINDOW, '', new Date('2026-11-21T16:00:00Z'))).toBe(true); // 08:00 LA, 11:00 NY
    expect(isOpen(WINDOW, '', new Date('2026-11-22T01:59:00Z'))).toBe(true); // 20:59 NY
    expect(isOpen(WINDOW, '', new Date('2026-11-22T02:00:00Z'))).toBe(false); // 21:00 NY
  });

  test('a window may wrap midnight; no window (QUIET_HOURS=off) is always open', () => {
    const late = { start: '22:00', end: '02:00' };
    expect(isOpen(late, 'UTC', new Date('2026-11-21T23:00:00Z'))).toBe(true);
    expect(isOpen(late, 'UTC', new Date('2026-11-22T01:59:00Z'))).toBe(true);
    expect(isOpen(late, 'UTC', new Date('2026-11-21T12:00:00Z'))).toBe(false);
    expect(isOpen(null, 'America/New_York', new Date('2026-11-21T07:00:00Z'))).toBe(true);
  });
});

describe('a broadcast across time zones', () => {
  test('each recipient gets the text when their window opens; the rest wait (counted), none are dropped', async () => {
    const h = await broadcastHarness({ QUIET_HOURS: '08:00-21:00' }, '2026-11-21T13:30:00.000Z');
    try {
      const ny = h.addContact({ phone: '+13125550001', zip: '10001' });
      const chicago = h.addContact({ phone: '+12125550002', zip: '60614' });
      const la = h.addContact({ phone: '+12135550003' }); // area code only
      const unknown = h.addContact({ phone: '+18885550004' }); // toll-free: strictest window
      const b = await h.sendNow({ name: 'tz', template: 'Canvass today!', audience: { campaigns: [h.demoCampaignId] } });

      await h.dispatcher.runUntilIdle();
      expect(sentBodies(h.fake).map((s) => s.to)).toEqual(['+13125550001']);
      let s = await h.status(b.id);
      expect(s.status).toBe('sending');
      expect(s.counts).toMatchObject({ total: 4, queued: 1, waiting: 3, pending: 0 });

      h.clock.set('2026-11-21T14:00:00.000Z'); // 08:00 in Chicago
      await h.dispatcher.runUntilIdle();
      expect(sentBodies(h.fake).map((s) => s.to)).toEqual(['+13125550001', '+12125550002']);
      expect((await h.status(b.id)).counts.waiting).toBe(2);

      h.clock.set('2026-11-21T16:00:00.000Z'); // 08:00 in Los Angeles: everyone's window is open
      await h.dispatcher.runUntilIdle();
      expect(sentBodies(h.fake).map((s) => s.to).sort()).toEqual(['+12125550002', '+12135550003', '+13125550001', '+18885550004']);
      s = await h.status(b.id);
      expect(s.status).toBe('done');
      expect(s.counts).toMatchObject({ total: 4, queued: 4, waiting: 0 });
      const zones = h.ctx.db.all(h.ctx.db.db.selectFrom('broadcast_recipients').select(['contact_id', 'time_zone']).where('broadcast_id', '=', b.id));
      expect(Object.fromEntries(zones.map((z) => [z.contact_id, z.time_zone]))).toEqual({
        [ny]: 'America/New_York', [chicago]: 'America/Chicago', [la]: 'America/Los_Angeles', [unknown]: '',
      });
    } finally {
      await h.shutdown();
    }
  });

  test('sending stops when the window closes mid-broadcast and resumes the next morning', async () => {
    // 20:59:59.5 in New York; at 4 texts per second the window closes after the first couple.
    const h = await broadcastHarness({ QUIET_HOURS: '08:00-21:00', SEND_RATE_MPS: '4' }, '2026-11-22T01:59:59.500Z');
    try {
      for (let i = 0; i < 10; i++) h.addContact({ phone: `+1212555${String(i).padStart(4, '0')}`, zip: '10001' });
      const b = await h.sendNow({ name: 'late', template: 'Tomorrow!', audience: { campaigns: [h.demoCampaignId] } });
      await h.dispatcher.runUntilIdle();
      const first = sentBodies(h.fake).length;
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThan(10);
      expect((await h.status(b.id)).counts.waiting).toBe(10 - first);
      // Every text was handed to Twilio before 21:00 New York time, to the second.
      const claimed = h.ctx.db.all(h.ctx.db.db.selectFrom('outbound_messages').select('created_at').where('kind', '=', 'broadcast'));
      expect(claimed).toHaveLength(first);
      for (const c of claimed) expect(c.created_at < '2026-11-22T02:00:00.000Z').toBe(true);
      h.clock.set('2026-11-22T13:00:00.000Z'); // 08:00 New York
      await h.dispatcher.runUntilIdle();
      expect(sentBodies(h.fake)).toHaveLength(10);
      expect(new Set(sentBodies(h.fake).map((s) => s.to)).size).toBe(10);
      expect((await h.status(b.id)).status).toBe('done');
    } finally {
      await h.shutdown();
    }
  });
});
