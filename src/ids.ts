import { randomUUID } from 'node:crypto';
import type { IdGenerator } from './core/clock';

/** Random UUIDs: opaque text ids, portable between SQLite and Postgres. */
export const uuid: IdGenerator = () => randomUUID();
