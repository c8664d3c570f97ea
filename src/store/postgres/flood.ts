/**
 * The per-number flood throttle shared by every gateway process on one PostgreSQL database: the
 * same token bucket as core/flood.ts (a burst of `perMinute`, then one text every 60/perMinute s),
 * kept in the UNLOGGED table flood_buckets (migration 0010) and taken by ONE statement, an upsert
 * that refills, takes and returns the verdict atomically (the row lock orders two processes taking
 * for one number at once). Time is the gateway's clock, passed in, as in core/flood.ts (tests
 * drive it with a manual clock). Buckets idle for a minute are full, i.e. the same as no row:
 * `sweep` deletes them (every gateway runs it once a minute, see PgStore.startUpkeep).
 */
import type pg from 'pg';
import type { FloodCheck, FloodVerdict } from '../../core/flood';

const COST = 60_000;

/** $1 phone, $2 now (ms), $3 per minute. `r` is the refilled bucket before this take. */
const TAKE = `
INSERT INTO flood_buckets AS b (phone, tokens, at_ms, refused, allowed)
VALUES ($1, $3::bigint * ${COST} - ${COST}, $2::bigint, 0, TRUE)
ON CONFLICT (phone) DO UPDATE SET
  tokens = (SELECT CASE WHEN r >= ${COST} THEN r - ${COST} ELSE r END
            FROM (SELECT least($3::bigint * ${COST}, b.tokens + greatest(0, $2::bigint - b.at_ms) * $3::bigint) AS r) x),
  refused = (SELECT CASE WHEN r >= $3::bigint * ${COST} THEN 0 ELSE b.refused END + CASE WHEN r >= ${COST} THEN 0 ELSE 1 END
             FROM (SELECT least($3::bigint * ${COST}, b.tokens + greatest(0, $2::bigint - b.at_ms) * $3::bigint) AS r) x),
  allowed = least($3::bigint * ${COST}, b.tokens + greatest(0, $2::bigint - b.at_ms) * $3::bigint) >= ${COST},
  at_ms = $2::bigint
RETURNING allowed, refused`;

const SWEEP = 'DELETE FROM flood_buckets WHERE at_ms < $1::bigint - 60000';

export class PgFloodBuckets implements FloodCheck {
  constructor(
    private readonly pool: pg.Pool,
    private readonly perMinute: number,
  ) {}

  async take(phone: string, nowMs: number): Promise<FloodVerdict> {
    const res = await this.pool.query<{ allowed: boolean; refused: number }>({ name: 'rt_flood_take', text: TAKE, values: [phone, nowMs, this.perMinute] });
    const row = res.rows[0]!;
    return { allowed: row.allowed, floodStarted: !row.allowed && row.refused === 1 };
  }
}

/** Deletes the buckets that have refilled completely (untouched for a minute): they mean "no limit reached". */
export async function sweepFloodBuckets(pool: pg.Pool, nowMs: number): Promise<number> {
  const res = await pool.query({ name: 'rt_flood_sweep', text: SWEEP, values: [nowMs] });
  return res.rowCount ?? 0;
}
