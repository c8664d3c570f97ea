/**
 * The broadcast send path runs once per text, thousands of times a second: its objects must keep
 * one hidden class. On Node 20 (V8 11.3) an object literal that starts with a spread and then
 * names more properties (`{ ...key, status, now }`) or spreads another object (`{ ...a, ...b }`,
 * session 23: the router's merge values) gets a NEW hidden class (map + descriptors, allocated in
 * old space) on every evaluation (%HaveSameMap: 8 of 20,000 the same), so each call leaves ~1 KB of old-generation
 * garbage that only a full collection frees: with three such literals per text, a 100,000-recipient
 * broadcast grew the heap by tens of MB (docs/performance.md, issue 9). Spreads elsewhere are
 * fine; in these files write the properties out.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SRC = path.join(__dirname, '..', '..', 'src');

/** Modules that run per dispatched text (claim, send, record). */
const PER_TEXT = [
  'usecases/broadcasts/dispatcher.ts',
  'store/outbox/bulk.ts',
  'store/outbox/gate.ts',
  'store/outbox/shared.ts',
  'store/broadcasts/conversations.ts',
  'store/receipts/shared.ts',
  'store/sqlite/db.ts',
  'store/query.ts',
  'twilio/http-transport.ts',
  'twilio/sender.ts',
  // …and per inbound text (the webhook's hot path).
  'http/front-door.ts',
  'twilio/form.ts',
  'twilio/webhook.ts',
  'usecases/inbound/receive-text.ts',
  'core/inbound.ts',
  'core/inbound-events.ts',
  'core/keywords.ts',
  'core/engine.ts',
  'store/inbound/shared.ts',
];

/** `{ ...x, more }` or `{ ...x, ...y }`: a literal whose first member is a spread, with more members after it. */
function spreadThenMore(file: string): string[] {
  const text = fs.readFileSync(path.join(SRC, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node) && ts.isSpreadAssignment(node.properties[0] ?? node) && node.properties.length > 1) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${file}:${line + 1}: ${node.getText(source).slice(0, 60)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('per-text modules keep one hidden class per object', () => {
  it('has no object literal that starts with a spread and adds properties or spreads', () => {
    expect(PER_TEXT.flatMap(spreadThenMore)).toEqual([]);
  });

  it('the check finds the pattern', () => {
    const dir = fs.mkdtempSync(path.join(SRC, '..', '.shape-probe-'));
    try {
      const probe = path.join(dir, 'probe.ts');
      fs.writeFileSync(
        probe,
        'const key = { a: 1 };\nexport const x = { ...key, b: 2 };\nexport const y = { b: 2, ...key };\nexport const z = { ...key, ...y };\nexport const w = { ...key };\n',
      );
      expect(spreadThenMore(path.relative(SRC, probe))).toEqual([expect.stringMatching(/:2: /), expect.stringMatching(/:4: /)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
