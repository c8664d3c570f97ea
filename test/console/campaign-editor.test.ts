/**
 * The campaign editor through real form posts: create, validation problems shown next to the
 * field named by the API's zod path, keyword conflicts, the add/remove/move buttons, money in
 * dollars, and an edit that round-trips a stored campaign unchanged.
 */
import { parseCampaign } from '../../src/core/campaign';
import { DEMO_FLOW } from '../../src/core/flow';
import { campaignInputFromForm, formFromBody, formFromCampaign, parseDollars } from '../../src/http/pages/campaign-form';
import { admin, testApp, text, type TestApp } from '../helpers/app';
import { browser, signIn, type Signed } from '../helpers/console';

let t: TestApp;
let s: Signed;
beforeEach(async () => {
  t = testApp();
  s = await signIn(t.app);
});
afterEach(() => t.close());

/** The editor's own fields for a new campaign, as the browser would post them. */
async function newForm(): Promise<Record<string, string>> {
  const page = await browser(t.app, s).get('/campaigns/new');
  expect(page.status).toBe(200);
  const fields: Record<string, string> = {};
  for (const m of page.text.matchAll(/<input [^>]*name="([^"]+)"[^>]*>/g)) {
    const tag = m[0];
    if (/type="checkbox"/.test(tag) && !/ checked/.test(tag)) continue;
    const value = /value="([^"]*)"/.exec(tag)?.[1] ?? '';
    fields[m[1]!] = value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  for (const m of page.text.matchAll(/<textarea [^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) {
    fields[m[1]!] = m[2]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  for (const m of page.text.matchAll(/<select id="[^"]+" name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    fields[m[1]!] = /<option value="([^"]*)" selected>/.exec(m[2]!)?.[1] ?? '';
  }
  delete fields._csrf;
  return fields;
}

const basics = {
  name: 'Canvass kickoff', programName: 'Team Doors', sender: '62262', supportContact: 'doors@example.org',
  'keywords.0.word': 'doors', 'keywords.0.aliases': 'knock, door', goalCents: '2,500',
};

describe('creating a campaign from the form', () => {
  it('the new-campaign form starts from the demo conversation, every field labelled', async () => {
    const page = await browser(t.app, s).get('/campaigns/new');
    const ids = [...page.text.matchAll(/<(?:input|textarea|select) [^>]*id="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(30);
    for (const id of ids) expect(page.text).toContain(`<label for="${id}"`);
    expect(page.text).toContain('What&#39;s your first name?');
    // Every message box has its counter, rendered by the server too.
    expect(page.text).toMatch(/<p class="counter" id="f-flow-steps-0-prompt-count">23 characters · GSM-7 · 1 segment · 137 left in this segment<\/p>/);
  });

  it('saves, answers its keyword at once, and keeps the goal in cents', async () => {
    const form = { ...(await newForm()), ...basics };
    const res = await browser(t.app, s).post('/campaigns/new', { ...form, op: 'save' });
    expect(res.status).toBe(303);
    const id = /^\/campaigns\/([^?]+)\?saved=1$/.exec(res.headers.location!)![1]!;
    const c = (await t.ctx.store.campaigns.find(id))!;
    expect(c).toMatchObject({ programName: 'Team Doors', keywords: [{ word: 'DOORS', aliases: ['KNOCK', 'DOOR'] }], goalCents: 250_000 });
    expect((c.flow as { steps: unknown[] }).steps).toHaveLength(4);
    expect((await text(t.app, '+13125550100', 'knock'))[0]).toMatch(/^Team Doors: Thanks for joining!/);
    const page = await browser(t.app, s).get(res.headers.location!);
    expect(page.text).toContain('Campaign saved.');
  });

  it('shows each problem next to its field (by zod path) and in a linked summary; nothing is saved', async () => {
    const form = {
      ...(await newForm()), ...basics, sender: '12', 'flow.steps.1.prompt': '   ', 'flow.steps.2.validate.minCents': 'ten',
      'flow.completion': 'Thanks {{nickname}}!',
    };
    const before = (t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM campaigns').get() as { n: number }).n;
    const res = await browser(t.app, s).post('/campaigns/new', { ...form, op: 'save' });
    expect(res.status).toBe(400);
    const field = (id: string) => new RegExp(`<p class="error" id="${id}-error"><span class="visually-hidden">Error: </span>([^<]+)</p>`).exec(res.text)?.[1];
    expect(field('f-sender')).toMatch(/short code/);
    expect(field('f-flow-steps-1-prompt')).toBe('must not be empty');
    expect(field('f-flow-steps-2-validate-minCents')).toBe('must be a dollar amount like 10 or 2,700');
    expect(field('f-flow-completion')).toMatch(/unknown merge field \{\{nickname\}\}/);
    expect(res.text).toContain('id="f-sender" name="sender" aria-describedby="f-sender-hint f-sender-error" aria-invalid="true"');
    expect(res.text).toContain('There are 4 problems');
    expect(res.text).toContain('<a href="#f-flow-steps-1-prompt">Question: must not be empty</a>');
    // What was typed is kept.
    expect(res.text).toContain('value="Canvass kickoff"');
    expect((t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM campaigns').get() as { n: number }).n).toBe(before);
  });

  it('a keyword already used on the sender is shown on the keywords fieldset', async () => {
    const form = { ...(await newForm()), ...basics, 'keywords.0.word': 'rally', 'keywords.0.aliases': '' };
    const res = await browser(t.app, s).post('/campaigns/new', { ...form, op: 'save' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/<p class="error" id="keywords-error"><span class="visually-hidden">Error: <\/span>&quot;RALLY&quot; is used by campaign &quot;Demo rally&quot;<\/p>/);
  });

  it('a reserved compliance word is refused at keywords.0.aliases', async () => {
    const form = { ...(await newForm()), ...basics, 'keywords.0.aliases': 'knock, stop' };
    const res = await browser(t.app, s).post('/campaigns/new', { ...form, op: 'save' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="f-keywords-0-aliases-error"><span class="visually-hidden">Error: <\/span>is a reserved compliance keyword/);
  });

  it('add, move and remove buttons edit the form without saving, and say what to focus', async () => {
    const form = { ...(await newForm()), ...basics };
    const added = await browser(t.app, s).post('/campaigns/new', { ...form, op: 'add-step' });
    expect(added.status).toBe(200);
    expect(added.text).toContain('name="flow.steps.4.prompt"');
    expect(added.text).toContain('data-focus="f-flow-steps-4-id"');
    const moved = await browser(t.app, s).post('/campaigns/new', { ...form, op: 'step-up:1' });
    expect(moved.text.indexOf('value="zip"')).toBeLessThan(moved.text.indexOf('value="name"'));
    const removed = await browser(t.app, s).post('/campaigns/new', { ...form, op: 'remove-step:0' });
    expect(removed.text).not.toContain('name="flow.steps.3.id"');
    const kw = await browser(t.app, s).post('/campaigns/new', { ...form, op: 'add-keyword' });
    expect(kw.text).toContain('name="keywords.1.word"');
    expect((t.ctx.db.sqlite.prepare("SELECT count(*) AS n FROM campaigns WHERE name = 'Canvass kickoff'").get() as { n: number }).n).toBe(0);
    expect((await browser(t.app, s).post('/campaigns/new', { ...form, op: 'explode' })).status).toBe(400);
  });
});

describe('editing', () => {
  it('a stored campaign goes through the form and back unchanged', async () => {
    const demo = (await admin(t.app).get('/api/campaigns')).body.campaigns[0];
    const view = (await t.ctx.store.campaigns.find(demo.id))!;
    const body: Record<string, unknown> = {};
    const f = formFromCampaign(view);
    // Flatten the form the way the page names its inputs.
    Object.assign(body, { name: f.name, programName: f.programName, sender: f.sender, frequency: f.frequency, supportContact: f.supportContact,
      helpText: f.helpText, expiryHours: f.expiryHours, goalCents: f.goalCents, 'flow.completion': f.completion, 'flow.giveUp': f.giveUp,
      'flow.maxAttempts': f.maxAttempts });
    f.keywords.forEach((k, i) => Object.assign(body, { [`keywords.${i}.word`]: k.word, [`keywords.${i}.aliases`]: k.aliases }));
    f.steps.forEach((st, i) => {
      const p = `flow.steps.${i}`;
      Object.assign(body, { [`${p}.id`]: st.id, [`${p}.prompt`]: st.prompt, [`${p}.capture`]: st.capture, [`${p}.validate.type`]: st.type,
        [`${p}.reprompt`]: st.reprompt, [`${p}.outOfRange`]: st.outOfRange, [`${p}.onGiveUp`]: st.onGiveUp, [`${p}.validate.minCents`]: st.minCents,
        [`${p}.validate.maxCents`]: st.maxCents, [`${p}.validate.frequency`]: st.frequency, [`${p}.validate.options`]: st.options,
        [`${p}.validate.maxLength`]: st.maxLength, ...(st.skippable ? { [`${p}.skippable`]: 'on' } : {}) });
    });
    const conv = campaignInputFromForm(formFromBody(body));
    expect(conv.problems).toEqual([]);
    const parsed = parseCampaign(conv.input);
    expect(parsed.ok).toBe(true);
    // The form does not edit referral settings (teams are set through the API; a form save keeps them: omitted keeps).
    const { referrals: _kept, ...viewWithoutReferrals } = view;
    const original = parseCampaign({ ...viewWithoutReferrals, flow: view.flow });
    expect(parsed.ok && original.ok && parsed.value).toEqual(original.ok && original.value);
    expect(conv.goalCents).toBe(view.goalCents);
  });

  it('saving the edit page changes the campaign and the goal', async () => {
    const id = (t.ctx.db.sqlite.prepare('SELECT id FROM campaigns').get() as { id: string }).id;
    const page = await browser(t.app, s).get(`/campaigns/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="Demo rally"');
    const form = { ...(await newForm()), name: 'Demo rally', programName: 'Rally Alerts', sender: '62262', supportContact: 'help@rallytext.example',
      'keywords.0.word': 'JOIN', 'keywords.0.aliases': 'RALLY, UNETE', goalCents: '7500.50' };
    const res = await browser(t.app, s).post(`/campaigns/${id}`, { ...form, op: 'save' });
    expect(res.status).toBe(303);
    expect(await t.ctx.store.campaigns.find(id)).toMatchObject({ goalCents: 750_050, keywords: [{ word: 'JOIN', aliases: ['RALLY', 'UNETE'] }] });
    expect((await text(t.app, '+13125550111', 'unete'))[0]).toMatch(/^Rally Alerts: Thanks for joining!/);
  });

  it('404 page for an unknown campaign', async () => {
    const res = await browser(t.app, s).get('/campaigns/nope');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/html/);
  });
});

describe('dollars', () => {
  it.each([
    ['10', 1000], ['$10', 1000], ['2,700', 270_000], ['10.5', 1050], ['10.05', 1005], ['0', 0], ['ten', null], ['10.555', null], ['-5', null], ['', null],
  ])('%s → %s', (input, cents) => {
    expect(parseDollars(input)).toBe(cents);
  });

  it('the demo flow converts to the same money range it declares', () => {
    const money = DEMO_FLOW.steps.find((st) => st.validate.type === 'money')!;
    expect(money.validate).toMatchObject({ minCents: 100, maxCents: 270_000 });
  });
});

describe('branches in the editor', () => {
  /** The demo steps turned into a branching RSVP: step 0 a yes/no with branches, step 1 routed on. */
  const rsvp = (over: Record<string, string> = {}) => ({
    'flow.steps.0.id': 'canvass', 'flow.steps.0.validate.type': 'yesno', 'flow.steps.0.capture': 'canvass_sat',
    'flow.steps.0.prompt': 'Can you canvass Saturday? YES or NO',
    'flow.steps.0.branches': 'yes -> zip\nno -> end: Thanks anyway, {{first_name|friend}}!', ...over,
  });

  it('saves branches and routes, runs them, and shows them again as typed', async () => {
    const form = { ...(await newForm()), ...basics, ...rsvp({ 'flow.steps.3.next': 'end: Bye!' }) };
    const res = await browser(t.app, s).post('/campaigns/new', { ...form, op: 'save' });
    expect(res.status).toBe(303);
    const id = /^\/campaigns\/([^?]+)\?saved=1$/.exec(res.headers.location!)![1]!;
    const c = (await t.ctx.store.campaigns.find(id))!;
    const steps = (c.flow as { steps: Record<string, unknown>[] }).steps;
    expect(steps[0]!.branches).toEqual([{ when: 'yes', goto: 'zip' }, { when: 'no', end: 'Thanks anyway, {{first_name|friend}}!' }]);
    expect(steps[3]!.next).toEqual({ end: 'Bye!' });
    expect((await text(t.app, '+13125550111', 'doors'))[0]).toContain('Can you canvass Saturday?');
    expect(await text(t.app, '+13125550111', 'no')).toEqual(['Thanks anyway, friend!']);
    const page = await browser(t.app, s).get(`/campaigns/${id}`);
    expect(page.text).toContain('yes -&gt; zip\nno -&gt; end: Thanks anyway, {{first_name|friend}}!</textarea>');
    expect(page.text).toMatch(/id="f-flow-steps-3-next"[^>]*value="end: Bye!"/);
  });

  it('an unknown target, a branch on an answer the step cannot give and a loop with no way out are shown by path', async () => {
    const form = {
      ...(await newForm()), ...basics,
      ...rsvp({ 'flow.steps.0.branches': 'yes -> zipp\nmaybe -> end: Hmm', 'flow.steps.2.next': 'nonsense line -> ' }),
    };
    const res = await browser(t.app, s).post('/campaigns/new', { ...form, op: 'save' });
    expect(res.status).toBe(400);
    const field = (id: string) => new RegExp(`<p class="error" id="${id}-error"><span class="visually-hidden">Error: </span>([^<]+)</p>`).exec(res.text)?.[1];
    expect(field('f-flow-steps-0-branches')).toMatch(/no step has the id &quot;zipp&quot;.*; &quot;maybe&quot; is not an answer to this step/);
    const loop = { ...(await newForm()), ...basics, ...rsvp({ 'flow.steps.0.branches': 'yes -> zip\nno -> zip', 'flow.steps.1.next': 'canvass' }) };
    const looped = await browser(t.app, s).post('/campaigns/new', { ...loop, op: 'save' });
    expect(looped.status).toBe(400);
    expect(looped.text).toMatch(/<p class="error" id="step-0-error"><span class="visually-hidden">Error: <\/span>step &quot;canvass&quot; can never reach an end: its answers lead around canvass → zip → canvass/);
    expect(looped.text).toMatch(/<p class="error" id="step-1-error">/);
  });

  it('a branch line that is not "answer -> target" is a problem on the branches box', async () => {
    const form = { ...(await newForm()), ...basics, ...rsvp({ 'flow.steps.0.branches': 'yes zip' }) };
    const res = await browser(t.app, s).post('/campaigns/new', { ...form, op: 'save' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="f-flow-steps-0-branches-error"><span class="visually-hidden">Error: <\/span>write &quot;answer -&gt; step_id&quot;/);
  });
});
