/**
 * A flow message's merge fields are looked up one by one (mergeField) instead of being built as an
 * object per message. The object's recipe, as the engine had it until session 24, is kept here as
 * the reference: the caller's values, then every captured answer (a pledge as money, anything else
 * as text), then the money step's {{min}} and {{max}}. Random templates, answers and values must
 * render the same both ways, including fields named like what objects inherit.
 */
import { mergeField, type FlowState } from '../../src/core/engine';
import type { Flow } from '../../src/core/flow';
import { formatCents } from '../../src/core/money';
import { renderTemplate, renderTemplateBy, type MergeValues } from '../../src/core/template';
import { prng } from '../helpers/prng';

function reference(flow: Flow, state: FlowState, vars: MergeValues): MergeValues {
  const step = flow.steps[state.stepIndex];
  const values: Record<string, string | number | null | undefined> = { ...vars };
  for (const [k, v] of Object.entries(state.captured)) values[k] = k === 'pledge' && typeof v === 'number' ? formatCents(v) : String(v);
  if (step?.validate.type === 'money') {
    values.min = formatCents(step.validate.minCents);
    values.max = formatCents(step.validate.maxCents);
  }
  return values;
}

const NAMES = [
  'first_name', 'zip', 'email', 'program', 'keyword', 'sender', 'referral_code', 'donation_link', 'pledge', 'min', 'max', 'team', 'city',
  'volunteer', 'constructor', 'tostring', '__proto__', 'hasownproperty', 'nickname',
];
const VALUES: (string | number | boolean | null)[] = ['Maya', '', '  ', ' Ana ', '60614', 1500, 0, 2500, true, false, null, 'x@y.org', '7.5'];

test('20,000 random messages render the same as from the object of merge values', () => {
  const rnd = prng(24);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  for (let i = 0; i < 20_000; i++) {
    const money = rnd() < 0.4;
    const flow = {
      steps: [
        { id: 'a', validate: money ? { type: 'money', minCents: 500 + Math.floor(rnd() * 500), maxCents: 100_000 } : { type: 'text' } },
        { id: 'b', validate: { type: 'name' } },
      ],
    } as unknown as Flow;
    const captured: Record<string, string | number | boolean> = {};
    for (let k = Math.floor(rnd() * 5); k > 0; k--) {
      const v = pick(VALUES);
      if (v !== null) captured[pick(NAMES)] = v;
    }
    if (rnd() < 0.2) captured.__proto__ = 'sneaky'; // plain assignment: sets nothing, as JSON.parse's own key would not either here
    const vars: Record<string, string | null> = {};
    for (const n of NAMES.slice(0, 8)) if (rnd() < 0.8) vars[n] = (pick(VALUES) as string | null) === null ? null : String(pick(VALUES));
    const state: FlowState = { stepIndex: Math.floor(rnd() * 3), attempts: 0, captured };
    let template = '';
    for (let k = 1 + Math.floor(rnd() * 5); k > 0; k--) {
      template += pick(['Hi ', '! ', ' and ', '', '{', '}', ' {{ ']);
      const name = pick(NAMES);
      template += rnd() < 0.3 ? `{{${name}|${pick(['friend', ' you ', ''])}}}` : `{{ ${rnd() < 0.2 ? name.toUpperCase() : name} }}`;
    }
    const want = renderTemplate(template, reference(flow, state, vars));
    const got = renderTemplateBy(template, (name) => mergeField(flow, state, vars, name));
    if (got !== want) throw new Error(`case ${i}: ${JSON.stringify({ template, captured, vars, stepIndex: state.stepIndex, money })}\n got  ${got}\n want ${want}`);
  }
});

test("a captured key that JSON.parse made own (`__proto__`) is not a merge field, as it was not in the object's recipe", () => {
  const captured = JSON.parse('{"__proto__":"sneaky","first_name":"Ana"}') as Record<string, string>;
  const state: FlowState = { stepIndex: 0, attempts: 0, captured };
  const flow = { steps: [{ id: 'a', validate: { type: 'text' } }] } as unknown as Flow;
  expect(renderTemplate('{{__proto__|none}} {{first_name}}', reference(flow, state, {}))).toBe('none Ana');
  expect(renderTemplateBy('{{__proto__|none}} {{first_name}}', (n) => mergeField(flow, state, {}, n))).toBe('none Ana');
});
