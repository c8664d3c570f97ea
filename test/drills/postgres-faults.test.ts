/**
 * Drill: the PostgreSQL server goes away under a running gateway (dist/main.js) mid-burst, twice:
 * first every backend it holds is terminated (as a restart or a failover does), then the server
 * is unreachable for 1.5 s (a proxy in between refuses and cuts every connection). Webhooks caught
 * by it are answered 503 with Retry-After (Twilio's fallback URL takes over), never 500; the
 * gateway keeps running and recovers by itself; the same webhooks sent again (same MessageSid)
 * succeed. Afterwards the database is exact: nothing half-written, every text stored once with the
 * replies it was answered, every conversation what its texts imply. The shared server itself is
 * never stopped: only this gateway's connections are cut (test/helpers/tcp-proxy.ts).
 */
import { Client } from 'pg';
import { crowd, paramsOf, postSms, type Answer, type Phone } from '../helpers/crowd';
import { gatewayEnv, startGateway, type GatewayProcess } from '../helpers/gateway-process';
import { describeWithPostgres, postgresUrl } from '../helpers/postgres';
import { PgProxy } from '../helpers/tcp-proxy';

jest.setTimeout(180_000);

const PHONES = 100;
const CONCURRENCY = 20;

describeWithPostgres('the PostgreSQL server lost mid-burst', () => {
  const schema = `rt_faults_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let admin: Client;
  let proxy: PgProxy;
  let gw: GatewayProcess | undefined;

  beforeAll(async () => {
    admin = new Client({ connectionString: postgresUrl() });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const server = new URL(postgresUrl());
    proxy = new PgProxy({ host: server.hostname, port: Number(server.port || 5432) });
    await proxy.start();
  });
  afterAll(async () => {
    gw?.kill('SIGKILL');
    if (gw) await gw.exited;
    await proxy.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('terminated backends, then 1.5 s unreachable: 503 + Retry-After, never 500, recovery without a restart, the database exact', async () => {
    const viaProxy = new URL(postgresUrl());
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    viaProxy.searchParams.set('options', `-c search_path=${schema}`);
    gw = await startGateway(gatewayEnv('', { DATABASE_URL: viaProxy.toString() }));

    const phones = crowd(PHONES, 0xb3);
    const final = new Map<string, Answer>();
    const refused: Answer[] = [];
    const other: string[] = [];
    let answered = 0;
    let terminated = 0;
    let outage: Promise<void> | null = null;
    let refusedInOutage = 0;

    const fault = async () => {
      if (answered === 120) {
        const { rows } = await admin.query<{ n: number }>(
          'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE client_port = ANY($1::int[])', [proxy.ports()],
        );
        terminated = rows[0]!.n;
      }
      if (answered === 300) outage = proxy.outage(1_500);
    };

    const send = async (p: Phone, j: number): Promise<void> => {
      const t = p.texts[j]!;
      for (let attempt = 0; attempt < 100; attempt++) {
        let a: Answer;
        try {
          a = await postSms(gw!.baseUrl, paramsOf(t));
        } catch (err) {
          other.push(`${t.sid}: ${(err as Error).message}`);
          return;
        }
        if (a.status === 200) {
          final.set(t.sid, a);
          answered++;
          await fault();
          return;
        }
        if (a.status !== 503) {
          other.push(`${t.sid}: ${a.status} ${a.raw}`);
          return;
        }
        refused.push(a);
        if (outage) refusedInOutage++;
        await new Promise((r) => setTimeout(r, 100)); // the same webhook again, a moment later
      }
      other.push(`${t.sid}: still refused after 100 attempts`);
    };

    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < phones.length) {
          const p = phones[next++]!;
          for (let j = 0; j < p.texts.length && !other.length; j++) await send(p, j);
        }
      }),
    );
    await outage;

    if (other.length) throw new Error(`${other.slice(0, 5).join('\n')}\ngateway (exit ${gw.child.exitCode}):\n${gw.output().slice(-3000)}`);
    expect(terminated).toBeGreaterThan(0);
    expect(refusedInOutage).toBeGreaterThan(0); // the outage caught webhooks (the termination may or may not)
    expect(refused.filter((a) => a.retryAfter !== '5' || !a.raw.includes('"unavailable"'))).toEqual([]);
    expect(gw.child.exitCode).toBeNull(); // recovered without a restart
    expect(gw.output()).not.toMatch(/unhandled error/);

    // Every text answered 200 in the end, with the reply its turn expects.
    const wrong = phones.flatMap((p) => p.texts.filter((t) => !final.get(t.sid)?.replies.join('\n').includes(t.expect)).map((t) => t.sid));
    expect(wrong.slice(0, 5)).toEqual([]);

    // Stored once each, with exactly the replies answered; nothing else stored.
    const { rows } = await admin.query<{ sid: string; n: number; replies: string[] | null }>(
      `SELECT i.message_sid AS sid, count(*) OVER (PARTITION BY i.message_sid)::int AS n,
              (SELECT array_agg(o.body ORDER BY o.position) FROM ${schema}.outbound_messages o WHERE o.inbound_id = i.id AND o.status = 'twiml') AS replies
       FROM ${schema}.inbound_messages i`,
    );
    expect(rows).toHaveLength(PHONES * 5);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    expect(rows.filter((r) => JSON.stringify(r.replies ?? []) !== JSON.stringify(final.get(r.sid)?.replies)).slice(0, 5)).toEqual([]);
    const contacts = await admin.query<{ phone: string; first_name: string; email: string; convs: string[]; pledges: number[] | null }>(
      `SELECT c.phone, c.first_name, c.email,
              (SELECT array_agg(v.status || ':' || v.step_index) FROM ${schema}.conversations v WHERE v.contact_id = c.id) AS convs,
              (SELECT array_agg(p.amount_cents) FROM ${schema}.pledges p WHERE p.contact_id = c.id) AS pledges
       FROM ${schema}.contacts c`,
    );
    expect(contacts.rows).toHaveLength(PHONES);
    const byPhone = new Map(contacts.rows.map((c) => [c.phone, c]));
    const problems = phones.flatMap((p) => {
      const c = byPhone.get(p.from);
      const want = { first_name: p.name, email: p.email, convs: ['completed:4'], pledges: p.pledgeCents === null ? null : [p.pledgeCents] };
      const got = c && { first_name: c.first_name, email: c.email, convs: c.convs, pledges: c.pledges };
      return JSON.stringify(got) === JSON.stringify(want) ? [] : [`${p.from}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`];
    });
    expect(problems.slice(0, 5)).toEqual([]);

    // And it serves on: /healthz and a new phone's JOIN.
    expect((await fetch(`${gw.baseUrl}/healthz`)).status).toBe(200);
    gw.kill('SIGTERM');
    expect((await gw.exited).code).toBe(0);
    gw = undefined;
  });
});
