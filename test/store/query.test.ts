/** Prepared queries: described once with Kysely, compiled once per engine, bound by name. */
import { bind, param, query } from '../../src/store/query';
import { openSqliteDb } from '../../src/store/sqlite/db';

const byPhone = query<{ id: string; status: string }, { phone: string }>((k) =>
  k.selectFrom('contacts').select(['id', 'status']).where('phone', '=', param<string>('phone')),
);
const insert = query<unknown, { id: string; phone: string; at: string }>((k) =>
  k.insertInto('contacts').values({
    id: param('id'), phone: param('phone'), status: 'pending', fields: '{}', undeliverable: 0, is_test: 0, created_at: param('at'), updated_at: param('at'),
  }),
);

describe('query()', () => {
  const db = openSqliteDb('sqlite::memory:');
  afterAll(() => db.close());

  it('binds named slots in the compiled order and keeps literal values', () => {
    expect(db.exec(insert, { id: 'c1', phone: '+13125550100', at: '2026-11-30T00:00:00.000Z' })).toBe(1);
    expect(db.get(byPhone, { phone: '+13125550100' })).toEqual({ id: 'c1', status: 'pending' });
    expect(db.list(byPhone, { phone: '+13125550199' })).toEqual([]);
  });

  it('compiles once per engine builder', () => {
    expect(byPhone.compileFor(db.db)).toBe(byPhone.compileFor(db.db));
    expect(byPhone.compileFor(db.db).sql).toMatch(/where "phone" = \?$/);
  });

  it('binds a slot whatever its name holds (names are quoted into the binder, never spliced)', () => {
    const odd = 'x"]; throw new Error("injected"); //\n';
    const q = query<{ v: string }, Record<string, string>>((k) => k.selectNoFrom((eb) => eb.val(param<string>(odd)).as('v')));
    expect(db.get(q, { [odd]: 'ok' })).toEqual({ v: 'ok' });
    expect(() => db.get(q, {})).toThrow(`query parameter "${odd}" is missing`);
    // The array form (PostgreSQL's) is made from the same source.
    expect(bind(q.compileFor(db.db), { [odd]: 'ok' })).toEqual(['ok']);
    expect(() => bind(q.compileFor(db.db), {})).toThrow(`query parameter "${odd}" is missing`);
  });

  it('refuses a missing parameter instead of binding undefined', () => {
    expect(() => db.get(byPhone, {} as { phone: string })).toThrow(/"phone" is missing/);
  });
});
