/**
 * What several gateway processes on one PostgreSQL database share besides its tables: the
 * per-number flood buckets (one upsert per take, the same verdicts as the in-memory guard, exact
 * under concurrency from two pools) and the signals between processes (LISTEN/NOTIFY: coalesced,
 * never echoed to the sender, campaign changes announced at commit, listening resumed after the
 * connection is cut, with a catch-up call).
 */
import fc from 'fast-check';
import { Client } from 'pg';
import { FloodGuard, type FloodVerdict } from '../../src/core/flood';
import { bumpVersion } from '../../src/store/campaigns/shared';
import { migrateToLatest } from '../../src/store/migrations';
import { PgDb } from '../../src/store/postgres/db';
import { PgFloodBuckets, sweepFloodBuckets } from '../../src/store/postgres/flood';
import { PgStore } from '../../src/store/postgres/store';
import { twilioReceiptPolicy } from '../../src/twilio/receipt-codes';
import { quietLogger } from '../helpers/app';
import { describeWithPostgres, postgresUrl } from '../helpers/postgres';

const quiet = quietLogger();

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeWithPostgres('several processes on one PostgreSQL database', () => {
  const schema = `rallytext_cross_${process.pid}`;
  let admin: Client;
  let a: PgStore;
  let b: PgStore;

  beforeAll(async () => {
    admin = new Client({ connectionString: postgresUrl() });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    a = new PgStore(new PgDb(postgresUrl(), { schema, max: 4 }), { receiptPolicy: twilioReceiptPolicy });
    b = new PgStore(new PgDb(postgresUrl(), { schema, max: 4 }), { receiptPolicy: twilioReceiptPolicy });
    await migrateToLatest(a.db.db, 'postgres');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  describe('flood buckets', () => {
    it('give the in-memory guard\'s verdicts, whichever process takes (property, 40 runs)', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 6 }),
          fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 40_000 }), fc.boolean()), { minLength: 1, maxLength: 40 }),
          async (perMinute, steps) => {
            run++;
            const memory = new FloodGuard(perMinute);
            const shared = [new PgFloodBuckets(a.db.pool, perMinute), new PgFloodBuckets(b.db.pool, perMinute)];
            let t = 1_000_000;
            for (const [phone, gap, other] of steps) {
              t += gap;
              const key = `+1312555${String(run).padStart(2, '0')}${phone}0`;
              const want = memory.take(key, t);
              const got = await shared[other ? 1 : 0]!.take(key, t);
              expect(got).toEqual(want);
            }
          },
        ),
        { numRuns: 40, seed: 1212 },
      );
    });

    it('50 texts from one number at the same moment, through two processes: exactly the limit gets through, one flood start', async () => {
      const pools = [new PgFloodBuckets(a.db.pool, 20), new PgFloodBuckets(b.db.pool, 20)];
      const verdicts: FloodVerdict[] = await Promise.all(Array.from({ length: 50 }, (_, i) => pools[i % 2]!.take('+13125559999', 5_000_000)));
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(20);
      expect(verdicts.filter((v) => v.floodStarted)).toHaveLength(1);
    });

    it('a bucket untouched for a minute is full: the sweep deletes it, and only it', async () => {
      const f = new PgFloodBuckets(a.db.pool, 20);
      await f.take('+13125558001', 9_000_000);
      await f.take('+13125558002', 9_030_000);
      await sweepFloodBuckets(a.db.pool, 9_060_001);
      const { rows } = await a.db.pool.query<{ phone: string }>("SELECT phone FROM flood_buckets WHERE phone LIKE '+1312555800%' ORDER BY phone");
      expect(rows.map((r) => r.phone)).toEqual(['+13125558002']);
    });
  });

  describe('signals', () => {
    const heard = { a: [] as (string | null)[], b: [] as (string | null)[], bCampaigns: [] as (string | null)[] };

    beforeAll(async () => {
      a.crossProcess.signals.on('live', (p) => heard.a.push(p));
      b.crossProcess.signals.on('live', (p) => heard.b.push(p));
      b.crossProcess.signals.on('campaigns', (p) => heard.bCampaigns.push(p));
      a.startUpkeep(quiet);
      b.startUpkeep(quiet);
      await until(() => a.crossProcess.signals.listening && b.crossProcess.signals.listening);
    });

    it('a campaign\'s live numbers, published 5 times at once, reach the other process once and are not echoed', async () => {
      for (let i = 0; i < 5; i++) a.crossProcess.signals.publish('live', 'camp-1');
      await until(() => heard.b.length > 0);
      await new Promise((r) => setTimeout(r, 200));
      expect(heard.b).toEqual(['camp-1']);
      expect(heard.a).toEqual([]);
    });

    it('a campaign change is announced when its transaction commits, not before, and not if it rolls back', async () => {
      const client = await a.db.pool.connect();
      try {
        await client.query('BEGIN');
        await a.db.drive(bumpVersion(a.db.k, 'v-rolled-back'), client);
        await client.query('ROLLBACK');
        await client.query('BEGIN');
        await a.db.drive(bumpVersion(a.db.k, 'v-committed'), client);
        await new Promise((r) => setTimeout(r, 150));
        expect(heard.bCampaigns).toEqual([]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      await until(() => heard.bCampaigns.length > 0);
      expect(heard.bCampaigns).toEqual(['v-committed']);
    });

    it('a cut listening connection is made again; handlers are told to catch up, and signals flow again', async () => {
      heard.b.length = 0;
      const { rows } = await admin.query<{ n: number }>(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN rallytext_campaigns_%' AND pid <> pg_backend_pid()",
      );
      expect(rows[0]!.n).toBeGreaterThanOrEqual(1);
      await until(() => heard.b.includes(null));
      a.crossProcess.signals.publish('live', 'camp-2');
      await until(() => heard.b.includes('camp-2'));
    });
  });
});
