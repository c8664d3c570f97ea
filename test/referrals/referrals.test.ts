/**
 * Referral codes, teams, pages and the recruiter notice (issue 13) through the real listener and
 * a real database (both engines: test/run-postgres.js): codes issued at completion and unique,
 * crediting rules, the organizers' totals, the export's columns, team tags as broadcast filters,
 * custom fields as filters, PAGE / GOAL and the page itself, STOP hiding it, the notice's limits.
 */
import request from 'supertest';
import { DEMO_CAMPAIGN } from '../../src/usecases/campaigns/seed';
import { DEMO_FLOW } from '../../src/core/flow';
import { admin, testApp, text, type TestApp } from '../helpers/app';
import { signUp } from '../helpers/people';
import { download, readCsv } from '../helpers/csv';
import { ADMIN_TOKEN } from '../helpers/app';
import { browser, signIn } from '../helpers/console';
import fc from 'fast-check';

let t: TestApp;
let demoId: string;
const ANA = '+13125550400';

beforeEach(async () => {
  t = testApp();
  demoId = (await admin(t.app).get('/api/campaigns')).body.campaigns[0].id as string;
});
afterEach(() => t.close());

const q = <T>(sqlText: string, ...params: unknown[]) => t.ctx.db.sqlite.prepare(sqlText).all(...params) as T[];
const codeOf = (phone: string) =>
  q<{ code: string }>('SELECT r.code FROM referrals r JOIN contacts c ON c.id = r.contact_id WHERE c.phone = ? AND r.code IS NOT NULL', phone)[0]?.code;
const summary = async (id = demoId) => (await admin(t.app).get(`/api/campaigns/${id}/referrals`)).body;

async function completeAs(phone: string, name: string, first = 'JOIN', pledge = 'SKIP'): Promise<string[]> {
  await text(t.app, phone, first);
  await text(t.app, phone, name);
  await text(t.app, phone, '60601');
  await text(t.app, phone, pledge);
  return text(t.app, phone, 'SKIP');
}

describe('referral codes', () => {
  test('a supporter who completes gets a readable code in the share line, kept when they complete again', async () => {
    const done = await completeAs(ANA, 'Ana');
    const code = codeOf(ANA)!;
    expect(code).toMatch(/^ANA[A-HJ-NP-Z2-9]{2}$/);
    expect(code).toMatch(/[2-9]/);
    expect(done).toEqual([`You're in, Ana! Thank you. Tell friends: text JOIN ${code} to 62262`]);
    expect(await completeAs(ANA, 'Ana')).toEqual([`You're in, Ana! Thank you. Tell friends: text JOIN ${code} to 62262`]);
    expect(q('SELECT code FROM referrals')).toHaveLength(1);
  });

  test('codes are unique per campaign even when names start alike', async () => {
    for (let i = 0; i < 40; i++) await completeAs(`+1312555${String(1000 + i)}`, 'Ana');
    const codes = q<{ code: string }>('SELECT code FROM referrals WHERE code IS NOT NULL').map((r) => r.code);
    expect(codes).toHaveLength(40);
    expect(new Set(codes).size).toBe(40);
    for (const c of codes) expect(c).toMatch(/^[A-HJ-NP-Z2-9]{5,6}$/);
  });

  test('a taken proposal is drawn again: with every ANA code taken, Ana still gets a unique one', async () => {
    const A = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    const insert = t.ctx.db.sqlite.prepare("INSERT INTO referrals (campaign_id, contact_id, code, show_name, created_at, updated_at) VALUES (?, ?, ?, 0, 'x', 'x')");
    let n = 0;
    for (const a of A) for (const b of A) if (/[2-9]/.test(a + b)) insert.run(demoId, `taken-${n++}`, `ANA${a}${b}`);
    await completeAs(ANA, 'Ana');
    const code = codeOf(ANA)!;
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{5,6}$/);
    expect(code.startsWith('ANA') && code.length === 5).toBe(false);
  });

  test('KEYWORD CODE credits the recruiter: any alias and case, words after it, a dash; unknown code, self and a second credit do not', async () => {
    await completeAs(ANA, 'Ana');
    const code = codeOf(ANA)!;
    expect(await text(t.app, '+13125550401', `JOIN ${code}`)).toEqual([expect.stringContaining("What's your first name?")]);
    await text(t.app, '+13125550402', `rally ${code.toLowerCase()} please!`);
    await text(t.app, '+13125550403', `join ${code.slice(0, 3).toLowerCase()}-${code.slice(3).toLowerCase()}`);
    expect(await text(t.app, '+13125550404', 'JOIN ZZZ99')).toEqual([expect.stringContaining("What's your first name?")]);
    await text(t.app, ANA, `JOIN ${code}`);
    await completeAs('+13125550405', 'Ben');
    await text(t.app, '+13125550401', `JOIN ${codeOf('+13125550405')}`);
    const s = await summary();
    expect(s).toMatchObject({ codes: 2, credited: 3, depth: 1, topRecruiters: [{ displayName: null, recruits: 3, pledgedCents: 0 }], teams: [] });
    expect(s.signups).toBe(6);
    expect(s.shareThroughCodes).toBe(0.5);
  });

  test('the totals: pledges of recruits, depth of a chain, names only after SHOW, opted-out recruiters left out', async () => {
    await completeAs(ANA, 'Ana Ruiz');
    await completeAs('+13125550411', 'Ben', `JOIN ${codeOf(ANA)}`, '25');
    await completeAs('+13125550412', 'Cy', `JOIN ${codeOf('+13125550411')}`, '10');
    let s = await summary();
    expect(s.depth).toBe(2);
    expect(s.topRecruiters).toEqual([
      { displayName: null, recruits: 1, pledgedCents: 2500 },
      { displayName: null, recruits: 1, pledgedCents: 1000 },
    ]);
    expect(await text(t.app, ANA, 'SHOW')).toEqual([expect.stringContaining('leaderboard')]);
    s = await summary();
    expect(s.topRecruiters[0]).toEqual({ displayName: 'Ana R.', recruits: 1, pledgedCents: 2500 });
    await text(t.app, ANA, 'STOP');
    s = await summary();
    expect(s.topRecruiters).toEqual([{ displayName: null, recruits: 1, pledgedCents: 1000 }]);
    expect((await admin(t.app).get('/api/campaigns/nope/referrals')).status).toBe(404);
  });

  test('contacts export: referral_code, recruited_by (the recruiter\'s code), recruits, teams', async () => {
    await completeAs(ANA, 'Ana');
    const code = codeOf(ANA)!;
    await completeAs('+13125550421', 'Ben', `JOIN ${code}`);
    const d = await download(t.app, '/api/exports/contacts.csv', ADMIN_TOKEN);
    const { rows } = readCsv(d.text);
    expect(rows.find((r) => r.phone === ANA)).toMatchObject({ referral_code: code, recruited_by: '', recruits: '1' });
    expect(rows.find((r) => r.phone === '+13125550421')).toMatchObject({ referral_code: codeOf('+13125550421'), recruited_by: code, recruits: '0' });
  });

  test('a JOIN without a code, and every ordinary answer, writes no referral row', async () => {
    await text(t.app, ANA, 'JOIN chicago');
    await text(t.app, ANA, 'Ana');
    expect(q('SELECT * FROM referrals')).toEqual([]);
  });
});

const TEAMS_CAMPAIGN = {
  ...DEMO_CAMPAIGN, name: 'March', sender: '+13125550199', keywords: [{ word: 'MARCH', aliases: [] }],
  referrals: { teams: [{ word: 'nurses', name: 'Nurses', goal: 50 }, { word: 'STUDENTS', name: 'Students' }] },
  flow: {
    ...DEMO_FLOW,
    steps: [
      DEMO_FLOW.steps[0],
      { id: 'shift', prompt: 'Which shift? 1 Day 2 Night', capture: 'shift', validate: { type: 'choice', options: [{ value: 'day' }, { value: 'night' }] }, reprompt: '1 or 2' },
    ],
  },
};

describe('teams and custom fields', () => {
  test('teams are defined on the campaign, tag contacts by keyword word, filter broadcasts and fill the export', async () => {
    const res = await admin(t.app).post('/api/campaigns', TEAMS_CAMPAIGN);
    expect(res.status).toBe(201);
    expect(res.body.referrals.teams).toEqual([{ word: 'NURSES', name: 'Nurses', goal: 50 }, { word: 'STUDENTS', name: 'Students' }]);
    const id = res.body.id as string;
    const to = '+13125550199';
    for (const [phone, word, shift] of [['+13125550431', 'NURSES', '1'], ['+13125550432', 'nurses!', '2'], ['+13125550433', 'students', '2'], ['+13125550434', '', '1']] as const) {
      await text(t.app, phone, `MARCH ${word}`.trim(), {}, to);
      await text(t.app, phone, 'Kim', {}, to);
      await text(t.app, phone, shift, {}, to);
    }
    const count = async (audience: Record<string, unknown>) => {
      const r = await admin(t.app).post('/api/broadcasts/preview', { template: 'Hi', audience });
      expect(r.status).toBe(200);
      return r.body.recipients as number;
    };
    expect(await count({ campaigns: [id], teams: 'NURSES' })).toBe(2);
    expect(await count({ campaigns: [id], teams: ['students', 'NURSES'] })).toBe(3);
    expect(await count({ campaigns: [id], fields: { shift: 'NIGHT' } })).toBe(2);
    expect(await count({ campaigns: [id], teams: 'NURSES', fields: { shift: ['day'] } })).toBe(1);
    expect((await admin(t.app).post('/api/broadcasts/preview', { template: 'Hi', audience: { campaigns: [id], teams: 'N1' } })).status).toBe(400);
    expect((await admin(t.app).post('/api/broadcasts/preview', { template: 'Hi', audience: { campaigns: [id], fields: { 'Bad Name': 'x' } } })).status).toBe(400);
    const s = await summary(id);
    expect(s.teams).toEqual([{ word: 'NURSES', name: 'Nurses', members: 2, pledgedCents: 0 }, { word: 'STUDENTS', name: 'Students', members: 1, pledgedCents: 0 }]);
    const { rows } = readCsv((await download(t.app, `/api/exports/contacts.csv?campaign=${id}`, ADMIN_TOKEN)).text);
    expect(rows.find((r) => r.phone === '+13125550432')!.teams).toBe('NURSES');
    expect(rows.find((r) => r.phone === '+13125550434')!.teams).toBe('');
    // The console's campaign page counts the teams.
    const page = await browser(t.app, await signIn(t.app)).get(`/campaigns/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Referrals and teams');
    expect(page.text).toMatch(/<td class="num" data-team="NURSES">2<\/td>/);
    expect(page.text).toMatch(/<td class="num" data-team="STUDENTS">1<\/td>/);
    // Each team has its page (linked from the console): counts only, opted-out members left out.
    const link = /href="(\/p\/[A-Za-z0-9_-]+)" rel="noreferrer">team page<\/a><\/td><\/tr>\n?<\/tbody>|<td>Nurses<\/td>[\s\S]*?href="(\/p\/[A-Za-z0-9_-]+)"/.exec(page.text)!;
    const nursesPage = link[2] ?? link[1]!;
    let team = await request(t.app).get(nursesPage);
    expect(team.status).toBe(200);
    expect(team.text).toContain('Team Nurses');
    expect(team.text).toContain('2 <span class="muted">of 50 members');
    expect(team.text).toContain('JOIN NURSES'.replace('JOIN', 'MARCH'));
    expect(team.text).not.toContain('Kim');
    await text(t.app, '+13125550431', 'STOP', {}, to);
    team = await request(t.app).get(nursesPage);
    expect(team.text).toContain('1 <span class="muted">of 50 members');
    // Custom fields the flow captures are columns of their own.
    expect(rows.find((r) => r.phone === '+13125550432')!.shift).toBe('night');
    expect(rows.find((r) => r.phone === '+13125550431')!.shift).toBe('day');
  });

  test('a team word must be letters; a replace without referrals keeps the teams', async () => {
    const bad = await admin(t.app).post('/api/campaigns', { ...TEAMS_CAMPAIGN, referrals: { teams: [{ word: 'LOCAL55', name: 'Local 55' }] } });
    expect(bad.status).toBe(400);
    const res = await admin(t.app).post('/api/campaigns', TEAMS_CAMPAIGN);
    const { referrals: _drop, ...withoutReferrals } = TEAMS_CAMPAIGN;
    const put = await admin(t.app).put(`/api/campaigns/${res.body.id}`, withoutReferrals);
    expect(put.status).toBe(200);
    expect(put.body.referrals.teams).toHaveLength(2);
  });

  test.each([
    ['a compliance word', [{ word: 'stop', name: 'Stoppers' }], 0, /reserved compliance keyword/],
    ['a referral command', [{ word: 'PAGE', name: 'Pages' }], 0, /command word \(PAGE, GOAL, SHOW/],
    ['a reminder command', [{ word: 'Skip', name: 'Skippers' }], 0, /command word \(PAUSE/],
    ['the language switch', [{ word: 'ESPAÑOL', name: 'Hispanohablantes' }], 0, /switches the supporter's language/],
    ["the campaign's own keyword", [{ word: 'NURSES', name: 'Nurses' }, { word: 'march', name: 'Marchers' }], 1, /is a keyword of this campaign/],
    ['a word listed twice', [{ word: 'NURSES', name: 'Nurses' }, { word: 'Nurses!', name: 'Nurses again' }], 1, /"NURSES" is listed twice/],
  ])('a team word that is %s → 400 at referrals.teams.<i>.word', async (_label, teams, i, message) => {
    const res = await admin(t.app).post('/api/campaigns', { ...TEAMS_CAMPAIGN, referrals: { teams } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual({ path: `referrals.teams.${i}.word`, message: expect.stringMatching(message) });
  });

  test('an alias is no team word either; "teams": [] removes the teams (the switches as given)', async () => {
    const clash = await admin(t.app).post('/api/campaigns', { ...TEAMS_CAMPAIGN, keywords: [{ word: 'MARCH', aliases: ['WALK'] }], referrals: { teams: [{ word: 'walk', name: 'Walkers' }] } });
    expect(clash.body.error.details).toEqual([{ path: 'referrals.teams.0.word', message: 'is an alias of the keyword MARCH of this campaign: a team word must differ from its keywords' }]);
    const res = await admin(t.app).post('/api/campaigns', { ...TEAMS_CAMPAIGN, referrals: { ...TEAMS_CAMPAIGN.referrals, askShow: true } });
    const put = await admin(t.app).put(`/api/campaigns/${res.body.id}`, { ...TEAMS_CAMPAIGN, referrals: { teams: [], askShow: true } });
    expect(put.status).toBe(200);
    expect(put.body.referrals).toEqual({ teams: [], recruiterNotice: false, askShow: true });
  });
});

describe('PAGE, GOAL and the page', () => {
  const pageUrl = (replies: string[]) => /https:\/\/sms\.rally\.example(\/p\/[A-Za-z0-9_-]+)/.exec(replies.join(' '))?.[1];

  test('PAGE answers with the page; GOAL sets the goal; the page shows name, goal, recruits and pledges, light and cacheable', async () => {
    await completeAs(ANA, 'Ana');
    await completeAs('+13125550441', 'Ben', `JOIN ${codeOf(ANA)}`, '12');
    const replies = await text(t.app, ANA, 'page');
    expect(replies).toEqual([expect.stringMatching(/^Rally Alerts: Your page: https:\/\/sms\.rally\.example\/p\/[A-Za-z0-9_-]{22} Share it/)]);
    const path = pageUrl(replies)!;
    expect(pageUrl(await text(t.app, ANA, 'PAGE'))).toBe(path);
    expect(await text(t.app, ANA, 'GOAL ten')).toEqual(['Rally Alerts: Reply GOAL and a number of friends from 1 to 1000, like GOAL 10.']);
    expect(await text(t.app, ANA, 'GOAL 100000')).toEqual(['Rally Alerts: Reply GOAL and a number of friends from 1 to 1000, like GOAL 10.']);
    expect(await text(t.app, ANA, 'Goal 10')).toEqual(['Rally Alerts: Your goal is 10 friends. See it rise: reply PAGE.']);
    const page = await request(t.app).get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Ana');
    expect(page.text).toContain('1 <span class="muted">of 10 friends');
    expect(page.text).toContain('$12');
    expect(page.text).not.toContain('Ben');
    expect(Buffer.byteLength(page.text)).toBeLessThan(50_000);
    expect(page.headers['cache-control']).toBe('private, no-cache');
    const again = await request(t.app).get(path).set('If-None-Match', page.headers.etag!);
    expect(again.status).toBe(304);
  });

  test('an unknown token is a bare 404; STOP hides the page at once', async () => {
    await completeAs(ANA, 'Ana');
    const path = pageUrl(await text(t.app, ANA, 'PAGE'))!;
    for (const bad of ['/p/nope', '/p/AAAAAAAAAAAAAAAAAAAAAA', '/p/..%2F..']) {
      const r = await request(t.app).get(bad);
      expect(r.status).toBe(404);
      expect(r.text).toBe('Not found');
    }
    await text(t.app, ANA, 'STOP');
    const gone = await request(t.app).get(path);
    expect(gone.status).toBe(404);
    expect(gone.text).toBe('Not found');
  });

  test('a valid answer to the waiting question wins over the commands; an unknown number gets how to join', async () => {
    await text(t.app, ANA, 'JOIN');
    // "Page" is a fine first name: the waiting name question takes it.
    expect(await text(t.app, ANA, 'Page')).toEqual(['Thanks, Page! What is your 5-digit ZIP code?']);
    expect(await text(t.app, '+13125550449', 'PAGE')).toEqual([expect.stringContaining('Text JOIN to 62262 to join')]);
  });
});

describe('the leaderboard question', () => {
  test('askShow: asked once, with the first code; SHOW is the consent', async () => {
    const c = (await admin(t.app).get(`/api/campaigns/${demoId}`)).body;
    const { id: _i, active: _a, createdAt: _c, updatedAt: _u, ...spec } = c;
    expect((await admin(t.app).put(`/api/campaigns/${demoId}`, { ...spec, referrals: { askShow: true } })).status).toBe(200);
    const first = await completeAs(ANA, 'Ana');
    expect(first).toEqual([
      `You're in, Ana! Thank you. Tell friends: text JOIN ${codeOf(ANA)} to 62262`,
      "Rally Alerts: Want your name on tonight's leaderboard of recruiters? Reply SHOW.",
    ]);
    expect(await completeAs(ANA, 'Ana')).toHaveLength(1);
    expect(await text(t.app, '+13125550460', 'hello')).toEqual([expect.stringContaining('Text JOIN to 62262 to join')]);
    // A pending number (texted before, never joined) is not offered a page.
    expect(await text(t.app, '+13125550460', 'PAGE')).not.toEqual([expect.stringContaining('Your page')]);
  });
});

describe('the recruiter notice', () => {
  const notices = (phone: string) =>
    q<{ body: string; status: string }>(
      "SELECT o.body, o.status FROM outbound_messages o JOIN contacts c ON c.id = o.contact_id WHERE c.phone = ? AND o.kind = 'system' ORDER BY o.created_at, o.rowid", phone,
    );

  test('off by default', async () => {
    await completeAs(ANA, 'Ana');
    await completeAs('+13125550451', 'Ben', `JOIN ${codeOf(ANA)}`);
    expect(notices(ANA)).toEqual([]);
  });

  test('on: once a day per recruiter, with the count; never to an opted-out recruiter', async () => {
    const c = (await admin(t.app).get(`/api/campaigns/${demoId}`)).body;
    const { id: _i, active: _a, createdAt: _c, updatedAt: _u, ...spec } = c;
    const put = await admin(t.app).put(`/api/campaigns/${demoId}`, { ...spec, referrals: { recruiterNotice: true } });
    expect(put.status).toBe(200);
    await completeAs(ANA, 'Ana');
    const code = codeOf(ANA)!;
    await completeAs('+13125550452', 'Ben', `JOIN ${code}`);
    await completeAs('+13125550453', 'Cy', `JOIN ${code}`);
    expect(notices(ANA)).toEqual([{ body: "Rally Alerts: Your friend joined! That's 1 so far. Reply STOP to opt out.", status: 'queued' }]);
    t.clock.advance(25 * 3_600_000);
    await completeAs('+13125550454', 'Di', `JOIN ${code}`);
    expect(notices(ANA).map((n) => n.body)).toEqual([
      "Rally Alerts: Your friend joined! That's 1 so far. Reply STOP to opt out.",
      "Rally Alerts: Your friend joined! That's 3 so far. Reply STOP to opt out.",
    ]);
    await text(t.app, ANA, 'STOP');
    t.clock.advance(25 * 3_600_000);
    await completeAs('+13125550455', 'Ed', `JOIN ${code}`);
    expect(notices(ANA).slice(2)).toEqual([expect.objectContaining({ status: 'suppressed' })]);
  });
});

describe('hostile texts', () => {
  test('any word after a keyword, and any GOAL / PAGE / SHOW text, never gives a 5xx or a stray slot', async () => {
    await completeAs(ANA, 'Ana');
    const word = fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^[A-Za-z0-9]{3,9}$/), fc.constantFrom('0000', 'ANA11', 'zzz99', '\u0000', '{{referral_code}}'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('JOIN', 'rally', 'GOAL', 'PAGE', 'SHOW', 'goal'), word, async (first, rest) => {
        const replies = await text(t.app, n++ % 2 === 0 ? ANA : `+1312556${String(1000 + (n % 500))}`, `${first} ${rest}`);
        for (const r of replies) expect(r).not.toMatch(/\uE000/);
      }),
      { numRuns: 60, seed: 20261207 },
    );
  }, 60_000);
});
