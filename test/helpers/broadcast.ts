/**
 * Broadcast test harness: the real app and database (testApp), listening on loopback so the fake
 * Twilio API can post status callbacks to it, the real twilio client pointed at the fake through
 * TWILIO_API_BASE_URL, and a dispatcher driven pass by pass with injected time (ManualClock for
 * the calendar, a virtual timer for the rate limiter whose sleeps move the clock too).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher, DispatcherDeps } from '../../src/usecases/broadcasts/dispatcher';
import type { BroadcastView } from '../../src/usecases/broadcasts/service';
import { VirtualTimer } from '../../src/usecases/broadcasts/rate-limiter';
import { createDispatcher } from '../../src/wiring/broadcasts';
import { ACCOUNT_SID, admin, AUTH_TOKEN, testApp, type TestApp } from './app';
import { fakeTwilioApi, type FakeTwilio } from './fake-twilio';

export interface Membership {
  campaign: string;
  keyword?: string;
  joinedAt?: string;
  completed?: boolean;
}

export interface ContactSpec {
  phone: string;
  firstName?: string | null;
  zip?: string | null;
  fromState?: string | null;
  status?: 'pending' | 'subscribed' | 'opted_out';
  undeliverable?: boolean;
  isTest?: boolean;
  /** Campaign ids (default: the demo campaign) or full memberships. */
  campaigns?: (string | Membership)[];
  /** Campaign ids this contact pledged in. */
  pledgedIn?: string[];
  /** The supporter's language (null/absent: unknown). */
  language?: string | null;
}

export interface BroadcastHarness extends TestApp {
  fake: FakeTwilio;
  timer: VirtualTimer;
  dispatcher: Dispatcher;
  /** The app's loopback URL (status callbacks land here). */
  baseUrl: string;
  demoCampaignId: string;
  addContact(spec: ContactSpec): string;
  createBroadcast(body: Record<string, unknown>): Promise<BroadcastView>;
  sendNow(body: Record<string, unknown>): Promise<BroadcastView>;
  status(id: string): Promise<BroadcastView>;
  newDispatcher(overrides?: Partial<DispatcherDeps>): Dispatcher;
  shutdown(): Promise<void>;
}

let contactSeq = 0;

export async function broadcastHarness(env: Record<string, string> = {}, start?: string): Promise<BroadcastHarness> {
  const fake = await fakeTwilioApi({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  const t = testApp({ TWILIO_API_BASE_URL: fake.url, ...env }, start);
  // Lookups compare message dates with the (manual) clock; the fake uses the same one.
  fake.now = () => t.clock.now();
  const server: Server = await new Promise((resolve) => {
    const s = createServer(t.app).listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.callbackOrigin = baseUrl;
  const timer = new VirtualTimer((ms) => t.clock.advance(ms));
  const newDispatcher = (overrides: Partial<DispatcherDeps> = {}) =>
    createDispatcher(t.ctx, { timer, ownerGone: () => false, ...overrides });
  const dispatcher = newDispatcher();
  const demoCampaignId = t.ctx.db.first(t.ctx.db.db.selectFrom('campaigns').select('id').where('sender', '=', '62262'))!.id;

  const addContact = (spec: ContactSpec): string => {
    const s = t.ctx.db;
    const now = t.clock.now().toISOString();
    const id = `c-${String(++contactSeq).padStart(7, '0')}`;
    s.tx(() => {
      s.run(
        s.db.insertInto('contacts').values({
          id, phone: spec.phone, first_name: spec.firstName ?? null, zip: spec.zip ?? null, fields: '{}',
          status: spec.status ?? 'subscribed', undeliverable: spec.undeliverable ? 1 : 0, is_test: spec.isTest ? 1 : 0,
          from_state: spec.fromState ?? null, opted_out_at: spec.status === 'opted_out' ? now : null, created_at: now, updated_at: now,
          language: spec.language ?? null,
        }),
      );
      for (const m of spec.campaigns ?? [demoCampaignId]) {
        const mm: Membership = typeof m === 'string' ? { campaign: m } : m;
        s.run(
          s.db.insertInto('campaign_members').values({
            campaign_id: mm.campaign, contact_id: id, keyword: mm.keyword ?? 'JOIN', joined_at: mm.joinedAt ?? now,
            completed_at: mm.completed ? (mm.joinedAt ?? now) : null,
          }),
        );
      }
      for (const c of spec.pledgedIn ?? []) {
        s.run(s.db.insertInto('pledges').values({ id: `p-${id}-${c}`, contact_id: id, campaign_id: c, amount_cents: 2500, frequency: 'monthly', message_sid: null, at: now }));
      }
    });
    return id;
  };

  const api = admin(t.app);
  const createBroadcast = async (body: Record<string, unknown>) => {
    const res = await api.post('/api/broadcasts', body);
    if (res.status !== 201) throw new Error(`create answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as BroadcastView;
  };
  const sendNow = async (body: Record<string, unknown>) => {
    const b = await createBroadcast(body);
    const res = await api.post(`/api/broadcasts/${b.id}/send`);
    if (res.status !== 202) throw new Error(`send answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as BroadcastView;
  };
  const status = async (id: string) => (await api.get(`/api/broadcasts/${id}`)).body as BroadcastView;

  return {
    ...t, fake, timer, dispatcher, baseUrl, demoCampaignId, addContact, createBroadcast, sendNow, status, newDispatcher,
    shutdown: async () => {
      await dispatcher.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await fake.close();
      t.close();
    },
  };
}

/** A US mobile number from a small integer: +1312555xxxx (Chicago area code 312). */
export function phone(n: number, areaCode = '312'): string {
  return `+1${areaCode}555${String(n).padStart(4, '0')}`;
}

/** Status-callback-free view of what the fake received, for assertions. */
export function sentBodies(fake: FakeTwilio): { to: string; body: string; from: string | undefined }[] {
  return fake.requests
    .filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'))
    .map((r) => ({ to: r.params.To!, body: r.params.Body!, from: r.params.From }));
}
