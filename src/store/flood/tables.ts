/** The flood_buckets table (migration 0010): per-number token buckets shared by gateway processes (PostgreSQL). */

export interface FloodBucketsTable {
  phone: string;
  tokens: number;
  at_ms: number;
  refused: number;
  allowed: boolean | number;
}
