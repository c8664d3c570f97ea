/**
 * Names from outside (capture names, merge fields, ?done= flashes) are looked up as own
 * properties only. A step capturing "constructor" and a message with {{constructor|nothing}}
 * used to text a supporter "function Object() { [native code] }", and the console's
 * ?done=constructor flash showed the same.
 */
import { renderTemplate } from '../../src/core/template';
import { admin, testApp, text, type TestApp } from '../helpers/app';
import { browser, signIn } from '../helpers/console';

let t: TestApp;
beforeEach(() => {
  t = testApp();
});
afterEach(() => t.close());

const constructorFlow = {
  steps: [
    { id: 'nick', prompt: 'Nickname? (or SKIP)', capture: 'constructor', validate: { type: 'text' }, reprompt: 'Just a nickname, or SKIP.', skippable: true },
  ],
  completion: 'Thanks {{constructor|nothing}}!',
};

test('a capture named after an Object built-in is a 400 at its path, and nothing answers its keyword', async () => {
  for (const capture of ['constructor', 'tostring', 'valueof', 'hasownproperty']) {
    const flow = { ...constructorFlow, steps: [{ ...constructorFlow.steps[0], capture }], completion: 'Thanks!' };
    const res = await admin(t.app).post('/api/campaigns', {
      name: `Nick ${capture}`, programName: 'Team Nick', sender: '62262', supportContact: 'help@example.org', keywords: [{ word: 'NICK' }], flow,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'flow.steps.0.capture', message: expect.stringMatching(/reserved name/) }]);
  }
  // The texts of a supporter who skips: never a function's source.
  const replies = [...(await text(t.app, '+13125550100', 'NICK')), ...(await text(t.app, '+13125550100', 'SKIP'))];
  expect(replies.join('\n')).not.toMatch(/function|native code/);
});

test('merge fields never read inherited properties: an unanswered field takes its fallback', () => {
  expect(renderTemplate('Thanks {{constructor|nothing}} {{toString|x}} {{__proto__|y}} {{valueOf}}!', {})).toBe('Thanks nothing x y !');
  expect(renderTemplate('{{first_name|friend}}', Object.create({ first_name: 'Inherited' }) as Record<string, string>)).toBe('friend');
});

test('the console flash of ?done= only knows its own messages', async () => {
  const s = await signIn(t.app);
  const campaignId = (await admin(t.app).get('/api/campaigns')).body.campaigns[0].id as string;
  const created = await admin(t.app).post('/api/broadcasts', { name: 'x', template: 'Hi', audience: { campaigns: [campaignId] } });
  for (const page of [`/campaigns/${campaignId}`, `/broadcasts/${created.body.id}`]) {
    for (const done of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const res = await browser(t.app, s).get(`${page}?done=${done}`);
      expect(res.status).toBe(200);
      expect(res.text).not.toMatch(/native code|function /);
    }
  }
});
