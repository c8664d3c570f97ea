/**
 * The campaign editor through real form posts: create, validation problems shown next to the
 * field named by the API's zod path, keyword conflicts, the add/remove/move buttons, money in
 * dollars, an edit that round-trips a stored campaign unchanged, and the "Referrals and teams"
 * fieldset (teams one a line, the recruiter notice and the SHOW question with their wording).
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
  return pageForm('/campaigns/new');
}

/** The fields of an editor page (new or an existing campaign's), as the browser would post them. */
async function pageForm(path: string): Promise<Record<string, string>> {
  const page = await browser(t.app, s).get(path);
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
  it('a stored campaign goes through the form and back unchanged, its teams and referral texts too', async () => {
    const demo = (await admin(t.app).get('/api/campaigns')).body.campaigns[0];
    const stored = (await t.ctx.store.campaigns.find(demo.id))!;
    const view = {
      ...stored,
      referrals: { teams: [{ word: 'NURSES', name: 'Nurses for Rosa', goal: 50 }, { word: 'LOCAL', name: 'Local | 55' }], recruiterNotice: true, askShow: false },
      texts: { en: { help: '{{program}}: call {{support}}. Reply STOP to cancel.', friendJoined: '{{program}}: {{count}} friends joined! Reply STOP to opt out.' } },
    };
    const body: Record<string, unknown> = {};
    const f = formFromCampaign(view);
    // Flatten the form the way the page names its inputs.
    Object.assign(body, { name: f.name, programName: f.programName, sender: f.sender, frequency: f.frequency, supportContact: f.supportContact,
      helpText: f.helpText, expiryHours: f.expiryHours, goalCents: f.goalCents, 'flow.completion': f.completion, 'flow.giveUp': f.giveUp,
      'flow.maxAttempts': f.maxAttempts, texts: f.texts, referrals: 'on', 'referrals.teams': f.referrals!.teams,
      ...(f.referrals!.recruiterNotice ? { 'referrals.recruiterNotice': 'on' } : {}), ...(f.referrals!.askShow ? { 'referrals.askShow': 'on' } : {}),
      ...f.referrals!.texts });
    // The notice's wording has its own box; the JSON box keeps the rest.
    expect(f.referrals!.texts).toEqual({ 'texts.en.friendJoined': view.texts.en.friendJoined });
    expect(JSON.parse(f.texts!)).toEqual({ en: { help: view.texts.en.help } });
    expect(f.referrals!.teams).toBe('NURSES | Nurses for Rosa | 50\nLOCAL | Local | 55 |');
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
    const original = parseCampaign({ ...view, flow: view.flow });
    expect(original.ok).toBe(true);
    expect(parsed.ok && original.ok && parsed.value).toEqual(original.ok && original.value);
    expect(parsed.ok && parsed.value.referrals).toEqual(view.referrals);
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

describe('referrals and teams in the editor', () => {
  const idOf = (location: string) => /^\/campaigns\/([^?]+)\?saved=1$/.exec(location)![1]!;
  const errorOf = (page: string, id: string) =>
    new RegExp(`<p class="error" id="${id}-error"><span class="visually-hidden">Error: </span>([^<]+)</p>`).exec(page)?.[1];
  const column = (id: string) =>
    t.ctx.db.sqlite.prepare('SELECT referral_settings AS r, texts FROM campaigns WHERE id = ?').get(id) as { r: string | null; texts: string | null };

  it('the fieldset is labelled, with a hint, a box of teams, the two switches and their wording', async () => {
    const page = (await browser(t.app, s).get('/campaigns/new')).text;
    expect(page).toMatch(/<fieldset id="referral-settings" aria-labelledby="referral-settings-legend">\s*<legend id="referral-settings-legend">Referrals and teams<\/legend>/);
    expect(page).toContain('<label for="f-referrals-teams">Teams, one a line</label>');
    expect(page).toMatch(/<textarea id="f-referrals-teams" name="referrals.teams" aria-describedby="f-referrals-teams-hint"/);
    expect(page).toMatch(/<p class="hint" id="f-referrals-teams-hint"><code>WORD \| Name<\/code>, e.g. <code>NURSES \| Nurses for Rosa<\/code>/);
    expect(page).toMatch(/<input type="checkbox" id="f-referrals-recruiterNotice" name="referrals.recruiterNotice" value="on" aria-describedby/);
    expect(page).toMatch(/<input type="checkbox" id="f-referrals-askShow" name="referrals.askShow" value="on" aria-describedby/);
    expect(page).toContain('<label for="f-texts-en-friendJoined">Wording of the recruiter notice (optional)</label>');
    expect(page).toContain('<label for="f-texts-en-showQuestion">Wording of the leaderboard question (optional)</label>');
    expect(page).toContain('<input type="hidden" name="referrals" value="on">');
  });

  it('teams typed one a line are created: in the API view, in the referrals panel, and joined by KEYWORD WORD', async () => {
    const form = {
      ...(await newForm()), ...basics,
      'referrals.teams': 'NURSES | Nurses for Rosa | 50\r\n\r\n  students|Students  \r\n',
      'referrals.recruiterNotice': 'on', 'texts.en.friendJoined': '{{program}}: A friend joined, {{count}} so far! Reply STOP to opt out.',
    };
    const res = await browser(t.app, s).post('/campaigns/new', { ...form, op: 'save' });
    expect(res.status).toBe(303);
    const id = idOf(res.headers.location!);
    const api = (await admin(t.app).get(`/api/campaigns/${id}`)).body;
    expect(api.referrals).toEqual({
      teams: [{ word: 'NURSES', name: 'Nurses for Rosa', goal: 50 }, { word: 'STUDENTS', name: 'Students' }], recruiterNotice: true, askShow: false,
    });
    expect(api.texts).toEqual({ en: { friendJoined: '{{program}}: A friend joined, {{count}} so far! Reply STOP to opt out.' } });
    await text(t.app, '+13125550120', 'doors nurses');
    const page = (await browser(t.app, s).get(`/campaigns/${id}`)).text;
    // The referrals panel lists the teams with their members and page links.
    const panel = /<aside class="panel" aria-labelledby="referrals-title" id="referrals">[\s\S]*?<\/aside>/.exec(page)![0];
    expect(panel).toMatch(/<td>Nurses for Rosa<\/td><td><code>NURSES<\/code><\/td><td class="num" data-team="NURSES">1<\/td>/);
    expect(panel).toMatch(/<td>Students<\/td><td><code>STUDENTS<\/code><\/td><td class="num" data-team="STUDENTS">0<\/td>/);
    expect(panel.match(/href="\/p\/[A-Za-z0-9_-]+"/g)).toHaveLength(2);
    // The form shows them again as stored.
    expect(page).toContain('NURSES | Nurses for Rosa | 50\nSTUDENTS | Students</textarea>');
    expect(page).toMatch(/id="f-referrals-recruiterNotice" name="referrals.recruiterNotice" value="on" checked/);
    expect(page).toMatch(/id="f-referrals-askShow" name="referrals.askShow" value="on" aria/);
    expect(page).toContain('{{program}}: A friend joined, {{count}} so far! Reply STOP to opt out.</textarea>');
  });

  it.each([
    ['a compliance word', 'NURSES | Nurses\nSTOP | Stoppers', 'line 2 (STOP): is a reserved compliance keyword'],
    ['a referral command', 'page | Pages', 'line 1 (page): is a supporter command word (PAGE, GOAL, SHOW: referrals)'],
    ['a team listed twice', 'NURSES | Nurses\n\nnurses | More nurses', 'line 3 (nurses): &quot;NURSES&quot; is listed twice'],
    ["one of the campaign's keywords", 'KNOCK | Knockers', 'line 1 (KNOCK): is an alias of the keyword DOORS of this campaign: a team word must differ from its keywords'],
    ['a digit', 'LOCAL55 | Local 55', 'line 1 (LOCAL55): must be 2-20 letters (no digits: codes have digits)'],
    ['no name', 'NURSES', 'line 1 (NURSES), name: must not be empty'],
    ['a goal that is not a number', 'NURSES | Nurses | fifty', 'line 1 (NURSES), goal: must be a number of members, like 50'],
  ])('%s: a 400 page with the problem next to the teams box, what was typed kept, nothing saved', async (_label, teams, message) => {
    const form = { ...(await newForm()), ...basics, 'referrals.teams': teams };
    const res = await browser(t.app, s).post('/campaigns/new', { ...form, op: 'save' });
    expect(res.status).toBe(400);
    expect(errorOf(res.text, 'f-referrals-teams')).toBe(message);
    expect(res.text).toMatch(/<textarea id="f-referrals-teams" name="referrals.teams" aria-describedby="f-referrals-teams-hint f-referrals-teams-error" aria-invalid="true"/);
    expect(res.text).toContain(`<a href="#f-referrals-teams">Teams, one a line: ${message}</a>`);
    expect(res.text).toContain(`${teams.replace(/&/g, '&amp;')}</textarea>`);
    expect((t.ctx.db.sqlite.prepare("SELECT count(*) AS n FROM campaigns WHERE name = 'Canvass kickoff'").get() as { n: number }).n).toBe(0);
  });

  it('a bad wording of the recruiter notice lands on its own box, not on the JSON box of system texts', async () => {
    const form = { ...(await newForm()), ...basics, 'texts.en.friendJoined': '{{program}}: {{nickname}} joined' };
    const res = await browser(t.app, s).post('/campaigns/new', { ...form, op: 'save' });
    expect(res.status).toBe(400);
    expect(errorOf(res.text, 'f-texts-en-friendJoined')).toMatch(/\{\{nickname\}\}/);
    expect(errorOf(res.text, 'f-texts')).toBeUndefined();
  });

  it('saving the edit page with no change leaves the stored referrals exactly as they were', async () => {
    const demo = (await admin(t.app).get('/api/campaigns')).body.campaigns[0];
    const { id, active: _a, createdAt: _c, updatedAt: _u, ...spec } = demo;
    // The seeded campaign never had referral settings (the column's default, '{}'): a save keeps it so.
    expect(column(id).r).toBe('{}');
    expect((await browser(t.app, s).post(`/campaigns/${id}`, { ...(await pageForm(`/campaigns/${id}`)), op: 'save' })).status).toBe(303);
    expect(column(id).r).toBe('{}');
    const referrals = { teams: [{ word: 'NURSES', name: 'Nurses for Rosa', goal: 50 }, { word: 'LOCAL', name: 'Local | 55' }], recruiterNotice: true, askShow: true };
    const texts = { en: { showQuestion: '{{program}}: Be on the board? Reply SHOW.', help: '{{program}}: call {{support}}. Reply STOP to cancel.' } };
    expect((await admin(t.app).put(`/api/campaigns/${id}`, { ...spec, referrals, texts })).status).toBe(200);
    const before = column(id);
    const viewBefore = (await admin(t.app).get(`/api/campaigns/${id}`)).body;
    const form = await pageForm(`/campaigns/${id}`);
    expect(form['referrals.teams']).toBe('NURSES | Nurses for Rosa | 50\nLOCAL | Local | 55 |');
    const res = await browser(t.app, s).post(`/campaigns/${id}`, { ...form, op: 'save' });
    expect(res.status).toBe(303);
    expect(column(id).r).toBe(before.r);
    const after = (await admin(t.app).get(`/api/campaigns/${id}`)).body;
    expect(after.referrals).toEqual(referrals);
    expect(after.texts).toEqual(viewBefore.texts);
  });

  it('emptying the teams box removes the teams, as the API does for "teams": []; a post without the fieldset keeps them', async () => {
    const demo = (await admin(t.app).get('/api/campaigns')).body.campaigns[0];
    const { id, active: _a, createdAt: _c, updatedAt: _u, ...spec } = demo;
    const referrals = { teams: [{ word: 'NURSES', name: 'Nurses' }], recruiterNotice: false, askShow: true };
    expect((await admin(t.app).put(`/api/campaigns/${id}`, { ...spec, referrals })).status).toBe(200);
    // A hand-made post that never showed the fieldset (no `referrals` marker) keeps the settings.
    const { referrals: _marker, 'referrals.teams': _teams, 'referrals.askShow': _ask, ...withoutFieldset } = await pageForm(`/campaigns/${id}`);
    expect((await browser(t.app, s).post(`/campaigns/${id}`, { ...withoutFieldset, op: 'save' })).status).toBe(303);
    expect((await admin(t.app).get(`/api/campaigns/${id}`)).body.referrals).toEqual(referrals);
    const form = await pageForm(`/campaigns/${id}`);
    const res = await browser(t.app, s).post(`/campaigns/${id}`, { ...form, 'referrals.teams': '  \n', op: 'save' });
    expect(res.status).toBe(303);
    expect((await admin(t.app).get(`/api/campaigns/${id}`)).body.referrals).toEqual({ teams: [], recruiterNotice: false, askShow: true });
    // JOIN NURSES is no team any more: it joins, and tags nobody.
    await text(t.app, '+13125550121', 'JOIN NURSES');
    expect(t.ctx.db.sqlite.prepare('SELECT count(*) AS n FROM contact_teams').get()).toEqual({ n: 0 });
    // The API's own answer to an empty list is the same.
    const viaApi = await admin(t.app).put(`/api/campaigns/${id}`, { ...spec, referrals: { teams: [], askShow: true } });
    expect(viaApi.body.referrals).toEqual({ teams: [], recruiterNotice: false, askShow: true });
  });
});
