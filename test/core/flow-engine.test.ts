/** Flow definitions as data (zod) and the pure engine: state in, state and effects out. */
import { DEMO_FLOW, parseFlow, type Flow } from '../../src/core/flow';
import { resumeFlow, startFlow } from '../../src/core/engine';

function flow(input: unknown): Flow {
  const r = parseFlow(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value;
}

describe('flow schema', () => {
  it('accepts the demo flow and fills defaults', () => {
    const f = flow(DEMO_FLOW);
    expect(f.steps.map((s) => s.id)).toEqual(['name', 'zip', 'pledge', 'email']);
    expect(f.maxAttempts).toBe(3);
  });

  it('reports every problem with its path', () => {
    const r = parseFlow({
      steps: [
        { id: 'Name', prompt: '', capture: 'first_name', validate: { type: 'name' }, reprompt: 'x' },
        { id: 'zip', prompt: 'Hi {{nickname}}', capture: 'zip', validate: { type: 'postcode' }, reprompt: 'x' },
        { id: 'zip', prompt: 'p', capture: 'pledge', validate: { type: 'text' }, reprompt: 'x' },
        { id: 'amt', prompt: 'p', capture: 'amount', validate: { type: 'money', minCents: 500, maxCents: 100 }, reprompt: 'x' },
      ],
      completion: 'Thanks {{first_name',
    });
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'steps.0.id', 'steps.0.prompt', 'steps.1.validate.type', 'steps.3.validate.maxCents',
      ]),
    );
  });

  it('checks merge fields, duplicate ids and the pledge capture once the shape is valid', () => {
    const r = parseFlow({
      steps: [
        { id: 'a', prompt: 'Hi {{nickname}}', capture: 'first_name', validate: { type: 'name' }, reprompt: 'x' },
        { id: 'a', prompt: 'p', capture: 'pledge', validate: { type: 'text' }, reprompt: 'x' },
        { id: 'c', prompt: 'p', capture: 'amount', validate: { type: 'money' }, reprompt: 'x' },
      ],
      completion: 'Thanks {{first_name',
    });
    const problems = r.ok ? [] : r.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'steps.0.prompt', message: expect.stringContaining('unknown merge field {{nickname}}') },
        { path: 'steps.1.id', message: 'duplicate step id "a"' },
        { path: 'steps.1.validate.type', message: 'the pledge capture needs a money validator' },
        { path: 'steps.2.capture', message: 'a money step must capture "pledge"' },
        { path: 'completion', message: 'unbalanced or malformed {{ }} merge field' },
      ]),
    );
  });
});

describe('engine', () => {
  const volunteer = flow({
    steps: [
      { id: 'vol', prompt: 'Can you volunteer? YES or NO', capture: 'volunteer', validate: { type: 'yesno' }, reprompt: 'Reply YES or NO' },
      {
        id: 'how', prompt: 'How? 1) doors 2) calls', capture: 'shift', reprompt: 'Reply 1 or 2', skippable: true,
        validate: { type: 'choice', options: [{ value: 'doors' }, { value: 'calls', aliases: ['phones'] }] },
      },
    ],
    completion: 'Thanks! {{volunteer}} {{shift}}',
  });
  const vars = { program: 'P', keyword: 'JOIN', sender: '62262' };

  it('starts with the intro and the first prompt in one message', () => {
    const o = startFlow(volunteer, vars, 'Welcome.');
    expect(o).toEqual({ status: 'waiting', state: { stepIndex: 0, attempts: 0, captured: {} }, effects: [{ type: 'reply', body: 'Welcome.\n\nCan you volunteer? YES or NO' }] });
  });

  it('captures yes/no and choices, treating NO as an answer on a yes/no step', () => {
    let o = resumeFlow(volunteer, { stepIndex: 0, attempts: 0, captured: {} }, 'no', vars);
    expect(o.effects).toContainEqual({ type: 'capture', field: 'volunteer', value: false });
    o = resumeFlow(volunteer, o.state, 'phones', vars);
    expect(o.status).toBe('completed');
    expect(o.effects).toEqual([
      { type: 'capture', field: 'shift', value: 'calls' },
      { type: 'reply', body: 'Thanks! false calls' },
      { type: 'completed', reason: 'finished' },
    ]);
  });

  it('finishes politely when the flow was edited and the step no longer exists', () => {
    const o = resumeFlow(volunteer, { stepIndex: 7, attempts: 0, captured: {} }, 'anything', vars);
    expect(o.status).toBe('completed');
    expect(o.effects.at(-1)).toEqual({ type: 'completed', reason: 'finished' });
  });

  it('a flow with no steps completes at once', () => {
    const o = startFlow(flow({ steps: [], completion: 'You are in.' }), vars, 'Hi.');
    expect(o.status).toBe('completed');
    expect(o.effects[0]).toEqual({ type: 'reply', body: 'Hi.\n\nYou are in.' });
  });
});

describe('branching flows', () => {
  const branching = flow({
    steps: [
      {
        id: 'canvass', prompt: 'Canvass Saturday?', capture: 'canvass_sat', validate: { type: 'yesno' }, reprompt: 'YES or NO',
        branches: [{ when: 'yes', goto: 'shift_time' }, { when: 'no', end: 'Thanks anyway' }],
      },
      { id: 'skipped', prompt: 'Only after giving up', capture: 'x', validate: { type: 'text' }, reprompt: '?', next: { end: 'Bye {{first_name|friend}}' } },
      {
        id: 'shift_time', prompt: 'Shift? am or pm', capture: 'shift', reprompt: 'am or pm',
        validate: { type: 'choice', options: [{ value: 'am' }, { value: 'pm' }] }, branches: [{ when: 'PM', goto: 'canvass' }],
      },
    ],
    completion: 'Done: {{shift}}',
  });
  const vars = { program: 'P', keyword: 'JOIN', sender: '62262' };

  it('routes by answer: yes goes to a later step, no ends with its own message', () => {
    const yes = resumeFlow(branching, { stepIndex: 0, attempts: 0, captured: {} }, 'yes', vars);
    expect(yes).toMatchObject({ status: 'waiting', state: { stepIndex: 2 } });
    expect(yes.effects.at(-1)).toEqual({ type: 'reply', body: 'Shift? am or pm' });
    const no = resumeFlow(branching, { stepIndex: 0, attempts: 0, captured: {} }, 'nope', vars);
    expect(no.status).toBe('completed');
    expect(no.effects).toEqual([
      { type: 'capture', field: 'canvass_sat', value: false },
      { type: 'reply', body: 'Thanks anyway' },
      { type: 'completed', reason: 'finished' },
    ]);
  });

  it('an answer without a branch takes the default route (after the last step: the completion); a branch may loop back', () => {
    const am = resumeFlow(branching, { stepIndex: 2, attempts: 0, captured: {} }, 'am', vars);
    expect(am.effects.at(-2)).toEqual({ type: 'reply', body: 'Done: am' });
    const pm = resumeFlow(branching, { stepIndex: 2, attempts: 0, captured: {} }, 'pm', vars);
    expect(pm).toMatchObject({ status: 'waiting', state: { stepIndex: 0, captured: { shift: 'pm' } } });
  });

  it('giving up follows the default route: the next step, then its `next`', () => {
    let o = resumeFlow(branching, { stepIndex: 0, attempts: 2, captured: {} }, 'purple', vars);
    expect(o).toMatchObject({ status: 'waiting', state: { stepIndex: 1 } });
    o = resumeFlow(branching, o.state, 'anything', vars);
    expect(o.status).toBe('completed');
    expect(o.effects.at(-2)).toEqual({ type: 'reply', body: 'Bye friend' });
  });

  it('validation reports targets, answers and loops by path; a linear flow needs no routes', () => {
    const loop = parseFlow({
      steps: [
        { id: 'a', prompt: 'A?', capture: 'a', validate: { type: 'yesno' }, reprompt: 'r', branches: [{ when: 'yes', goto: 'b' }, { when: 'no', goto: 'b' }] },
        { id: 'b', prompt: 'B?', capture: 'b', validate: { type: 'text' }, reprompt: 'r', next: { goto: 'a' } },
        { id: 'c', prompt: 'C?', capture: 'c', validate: { type: 'text' }, reprompt: 'r' },
      ],
      completion: 'done',
    });
    expect(loop.ok).toBe(false);
    if (!loop.ok) {
      expect(loop.problems.map((p) => p.path)).toEqual(['steps.0', 'steps.1']);
      expect(loop.problems[0]!.message).toContain('a → b → a');
    }
    const escapable = parseFlow({
      steps: [
        { id: 'a', prompt: 'A?', capture: 'a', validate: { type: 'yesno' }, reprompt: 'r', branches: [{ when: 'no', goto: 'a' }] },
      ],
      completion: 'done',
    });
    expect(escapable.ok).toBe(true);
    const skippableWayOut = parseFlow({
      steps: [
        { id: 'a', prompt: 'A?', capture: 'a', validate: { type: 'yesno' }, reprompt: 'r', skippable: true, branches: [{ when: 'no', goto: 'a' }, { when: 'yes', goto: 'a' }] },
      ],
      completion: 'done',
    });
    expect(skippableWayOut.ok).toBe(true);
    expect(parseFlow({ steps: [], completion: 'x' }).ok).toBe(true);
  });
});
