import { uuidv7 } from '../src/shared/ids';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7 row ids', () => {
  test('are RFC 9562 version 7 UUIDs carrying their millisecond', () => {
    const id = uuidv7(Date.parse('2030-01-01T00:00:00.000Z'));
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(Date.parse('2030-01-01T00:00:00.000Z'));
  });

  test('sort in creation order as text, even thousands within one millisecond, and never repeat', () => {
    const at = Date.parse('2031-05-05T12:00:00.000Z');
    const ids = Array.from({ length: 10_000 }, () => uuidv7(at));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  test('a clock that steps backwards does not break the order', () => {
    const a = uuidv7(Date.parse('2032-01-01T00:00:01.000Z'));
    const b = uuidv7(Date.parse('2032-01-01T00:00:00.000Z'));
    expect(b > a).toBe(true);
  });
});
