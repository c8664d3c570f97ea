/**
 * The message-box counter in the browser runs /assets/segments.js. It must give exactly the
 * server's answer: the served script is evaluated in a bare VM context (no Node globals) and
 * compared with segmentInfo on fixed cases and on random text mixing GSM-7 basic and extension
 * characters, accents, emoji and other scripts.
 */
import vm from 'node:vm';
import fc from 'fast-check';
import request from 'supertest';
import { segmentInfo, type SegmentInfo } from '../../src/core/segments';
import { testApp, type TestApp } from '../helpers/app';

let t: TestApp;
let browserSegments: (body: string) => SegmentInfo;

beforeAll(async () => {
  t = testApp();
  const res = await request(t.app).get('/assets/segments.js');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/javascript/);
  const sandbox: { window: { rallySegments?: (b: string) => SegmentInfo } } = { window: {} };
  vm.runInNewContext(res.text, sandbox, { filename: 'segments.js' });
  browserSegments = sandbox.window.rallySegments!;
  expect(typeof browserSegments).toBe('function');
});
afterAll(() => t.close());

const plain = (x: SegmentInfo) => JSON.parse(JSON.stringify(x)) as SegmentInfo;

test.each([
  [''], ['JOIN'], ['a'.repeat(160)], ['a'.repeat(161)], ['€'.repeat(80)], ['€'.repeat(81)], ['Hola ¿qué tal? ñ'], ['Ça va'],
  ['Thanks 🎉'], ['中文'.repeat(35)], ['x'.repeat(70) + '✓'], ['{{first_name|friend}}'], ['line\nbreak\r'],
])('identical on %j', (body) => {
  expect(plain(browserSegments(body))).toEqual(segmentInfo(body));
});

test('identical on random text', () => {
  const alphabet = ['a', 'Z', '0', ' ', '@', '£', 'é', 'Ç', '\n', '^', '{', '}', '\\', '[', '~', ']', '|', '€', 'ç', 'ú', '🎉', '✓', '中', 'Ж', '\u00a0'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 400 }), fc.string({ maxLength: 20 }), (chars, tail) => {
      const body = chars.join('') + tail;
      expect(plain(browserSegments(body))).toEqual(segmentInfo(body));
    }),
    { numRuns: 400 },
  );
});
