/**
 * Row ids: UUID version 7 (RFC 9562), opaque text, portable between SQLite and Postgres.
 *
 * Version 7 rather than random version 4 because ids are primary keys and are indexed wherever
 * they are referenced: time-ordered ids append to the right edge of every such B-tree instead of
 * landing on a random page, so one webhook's transaction dirties a handful of pages instead of
 * ~25 (the rally bench measures it; see docs/performance.md).
 * Layout: 48-bit Unix ms | version 7 | 12-bit counter (monotonic within a millisecond) | variant | 62 random bits.
 */
import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '../core/clock';

const pool = Buffer.alloc(8 * 512);
let poolOffset = pool.length;
let lastMs = 0;
let counter = 0;

function randomHex8(): string {
  if (poolOffset + 8 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + 8);
  poolOffset += 8;
  return hex;
}

const HEX = '0123456789abcdef';

export function uuidv7(nowMs: number = Date.now()): string {
  // Never go backwards (clock steps) and never repeat within a millisecond: ids stay sorted.
  if (nowMs > lastMs) {
    lastMs = nowMs;
    counter = 0;
  } else if (++counter > 0xfff) {
    lastMs += 1;
    counter = 0;
  }
  const ms = lastMs.toString(16).padStart(12, '0');
  const seq = counter.toString(16).padStart(3, '0');
  const r = randomHex8();
  const variant = HEX[8 + (parseInt(r[0]!, 16) & 0x3)]!;
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${seq}-${variant}${r.slice(1, 4)}-${r.slice(4)}`;
}

export const uuid: IdGenerator = () => uuidv7();
