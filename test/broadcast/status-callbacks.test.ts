/**
 * POST /twilio/status: signed by the real twilio library (posted back by the fake Twilio API, or
 * from the captured fixtures), in any order, repeated; statuses never move backwards; 30xxx codes
 * are recorded; carrier errors act on the contact.
 */
import { ACCOUNT_SID, signedPost } from '../helpers/app';
import { broadcastHarness, phone, type BroadcastHarness } from '../helpers/broadcast';
import { loadForm } from '../helpers/fixtures';

describe('delivery receipts', () => {
  let h: BroadcastHarness;
  beforeEach(async () => {
    h = await broadcastHarness();
  });
  afterEach(() => h.shutdown());

  async function sendTo(n: number): Promise<{ broadcastId: string; contactId: string; sid: string }> {
    const contactId = h.addContact({ phone: phone(n) });
    const b = await h.sendNow({ name: `b${n}`, template: `Hi ${n}`, audience: { campaigns: [h.demoCampaignId] } });
    await h.dispatcher.runUntilIdle();
    const row = h.ctx.db.first(
      h.ctx.db.db.selectFrom('broadcast_recipients').select('twilio_sid').where('broadcast_id', '=', b.id).where('contact_id', '=', contactId),
    )!;
    return { broadcastId: b.id, contactId, sid: row.twilio_sid! };
  }

  function rowBySid(sid: string) {
    const r = h.ctx.db.first(h.ctx.db.db.selectFrom('broadcast_recipients').select(['status', 'error_code']).where('twilio_sid', '=', sid))!;
    const o = h.ctx.db.first(h.ctx.db.db.selectFrom('outbound_messages').select(['status', 'error_code']).where('twilio_sid', '=', sid))!;
    return { recipient: r.status, recipientError: r.error_code, outbound: o.status, outboundError: o.error_code };
  }

  test('sent then delivered; a late "sent" and a repeated "delivered" change nothing', async () => {
    const { broadcastId, sid } = await sendTo(1);
    expect(await h.fake.postStatus(sid, 'sent')).toBe(204);
    expect(rowBySid(sid)).toMatchObject({ recipient: 'sent', outbound: 'sent' });
    expect(await h.fake.postStatus(sid, 'delivered')).toBe(204);
    expect(await h.fake.postStatus(sid, 'sent')).toBe(204);
    expect(await h.fake.postStatus(sid, 'delivered')).toBe(204);
    expect(rowBySid(sid)).toMatchObject({ recipient: 'delivered', outbound: 'delivered' });
    const receipt = h.ctx.db.first(h.ctx.db.db.selectFrom('message_receipts').selectAll().where('message_sid', '=', sid))!;
    expect(receipt).toMatchObject({ status: 'delivered', callbacks: 4 });
    expect((await h.status(broadcastId)).counts).toMatchObject({ delivered: 1, sent: 0, queued: 0 });
  });

  test('out of order: delivered arrives before sent and queued; delivered stays', async () => {
    const { sid } = await sendTo(1);
    await h.fake.postStatus(sid, 'delivered');
    await h.fake.postStatus(sid, 'queued');
    await h.fake.postStatus(sid, 'sent');
    expect(rowBySid(sid)).toMatchObject({ recipient: 'delivered', outbound: 'delivered' });
  });

  test('30003 (unreachable handset) is recorded as undelivered with its code, and counted', async () => {
    const { broadcastId, contactId, sid } = await sendTo(1);
    await h.fake.postStatus(sid, 'sent');
    await h.fake.postStatus(sid, 'undelivered', 30003);
    expect(rowBySid(sid)).toEqual({ recipient: 'undelivered', recipientError: 30003, outbound: 'undelivered', outboundError: 30003 });
    expect((await h.status(broadcastId)).counts).toMatchObject({ undelivered: 1, errors: { '30003': 1 } });
    // transient: the number stays deliverable
    expect(h.ctx.db.first(h.ctx.db.db.selectFrom('contacts').select('undeliverable').where('id', '=', contactId))!.undeliverable).toBe(0);
  });

  test('30007 (carrier filtering) is recorded as failed; 30006 (landline / unreachable carrier) also stops future texts', async () => {
    const one = await sendTo(1);
    await h.fake.postStatus(one.sid, 'failed', 30007);
    expect(rowBySid(one.sid)).toMatchObject({ recipient: 'failed', recipientError: 30007 });
    const two = await sendTo(2);
    await h.fake.postStatus(two.sid, 'undelivered', 30006);
    expect(h.ctx.db.first(h.ctx.db.db.selectFrom('contacts').select('undeliverable').where('id', '=', two.contactId))!.undeliverable).toBe(1);
  });

  test('a 21610 in a callback opts the contact out through the consent ledger (via carrier)', async () => {
    const { contactId, sid, broadcastId } = await sendTo(1);
    await h.fake.postStatus(sid, 'failed', 21610);
    await h.fake.postStatus(sid, 'failed', 21610);
    expect(rowBySid(sid)).toMatchObject({ recipient: 'opted_out', recipientError: 21610 });
    expect(h.ctx.db.first(h.ctx.db.db.selectFrom('contacts').select('status').where('id', '=', contactId))!.status).toBe('opted_out');
    const events = h.ctx.db.all(h.ctx.db.db.selectFrom('consent_events').selectAll().where('contact_id', '=', contactId));
    expect(events).toEqual([expect.objectContaining({ kind: 'opt_out', via: 'carrier', message_sid: sid })]);
    expect((await h.status(broadcastId)).counts.optedOut).toBe(1);
  });

  test('a receipt that arrives before the send result is recorded is kept and applied then', async () => {
    const contactId = h.addContact({ phone: phone(1) });
    // Deliver the callback while the create request is still unanswered.
    h.fake.onCreate = async () => {
      const m = h.fake.messages[h.fake.messages.length - 1]!;
      expect(await h.fake.postStatus(m.sid, 'delivered')).toBe(204);
    };
    const b = await h.sendNow({ name: 'race', template: 'Hi', audience: { campaigns: [h.demoCampaignId] } });
    await h.dispatcher.runUntilIdle();
    const r = h.ctx.db.first(
      h.ctx.db.db.selectFrom('broadcast_recipients').select(['status', 'twilio_sid']).where('broadcast_id', '=', b.id).where('contact_id', '=', contactId),
    )!;
    expect(r.status).toBe('delivered');
    expect(h.logs.some((l) => l.includes('status callback for a message not (yet) known here'))).toBe(true);
  });

  test('the captured fixture payloads are accepted; a bad signature is 403 and records nothing', async () => {
    const { sid } = await sendTo(1);
    const sent = loadForm('status-sent', { MessageSid: sid, SmsSid: sid });
    expect((await signedPost(h.app, '/twilio/status', sent)).status).toBe(204);
    const delivered = loadForm('status-delivered', { MessageSid: sid, SmsSid: sid });
    expect((await signedPost(h.app, '/twilio/status', delivered)).status).toBe(204);
    expect(rowBySid(sid).recipient).toBe('delivered');

    const failed = loadForm('status-failed-30007', { MessageSid: sid, SmsSid: sid });
    const forged = await signedPost(h.app, '/twilio/status', failed, 'not-the-auth-token-000000');
    expect(forged.status).toBe(403);
    expect(rowBySid(sid).recipient).toBe('delivered');
    expect(failed.AccountSid).toBe(ACCOUNT_SID);
  });

  test('malformed callbacks are precise 4xx answers, never 500s', async () => {
    expect((await signedPost(h.app, '/twilio/status', { MessageSid: 'nope', MessageStatus: 'sent' })).status).toBe(400);
    expect((await signedPost(h.app, '/twilio/status', { MessageSid: `SM${'0'.repeat(32)}` })).status).toBe(400);
    expect((await signedPost(h.app, '/twilio/status', { MessageSid: `SM${'0'.repeat(32)}`, MessageStatus: 'sent', ErrorCode: 'x' })).status).toBe(400);
    // Unknown SID: accepted (Twilio must not retry) and kept.
    expect((await signedPost(h.app, '/twilio/status', { MessageSid: `SM${'1'.repeat(32)}`, MessageStatus: 'delivered' })).status).toBe(204);
  });
});
