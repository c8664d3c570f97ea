/**
 * Ideas through the real listener: the window, the moderation queue over the API (approve gives
 * the next number, reject, merge moves votes and keeps one per phone, edit keeps the text as
 * sent), the word list, the public page, the CSV exports (phones masked for volunteers) and the
 * console page's forms.
 */
import request from 'supertest';
import { admin, testApp, text, VOLUNTEER_TOKEN, type TestApp } from '../helpers/app';

let t: TestApp;
let campaignId: string;
beforeEach(async () => {
  t = testApp();
  campaignId = (await admin(t.app).get('/api/campaigns')).body.campaigns[0].id;
});
afterEach(() => t.close());

const ideas = async () => (await admin(t.app).get(`/api/campaigns/${campaignId}/ideas`)).body as { id: string; number: number | null; text: string; status: string; votes: number }[];

test('the queue: approve numbers ideas, merge moves votes (one per phone), edit keeps the original, the word list rejects and flags', async () => {
  expect((await admin(t.app).post(`/api/campaigns/${campaignId}/ideas/open`)).body).toMatchObject({ open: true });
  await text(t.app, '+13125550201', 'IDEA Free buses to the rally');
  await text(t.app, '+13125550202', 'IDEA free busses to rally');
  await text(t.app, '+13125550203', 'IDEA you are all idiots');
  // Spelled out with dots it gets past the list: a person sees it in the queue.
  expect(await text(t.app, '+13125550204', 'IDEA f.u.c.k this')).toEqual([expect.stringContaining('Your idea is in')]);
  expect(await text(t.app, '+13125550204', 'IDEA sh1t show')).toEqual([expect.stringContaining("can't put that idea")]);
  const queue = await ideas();
  expect(queue.map((i) => [i.text, i.status])).toEqual([
    ['Free buses to the rally', 'pending'], ['free busses to rally', 'pending'], ['you are all idiots', 'flagged'], ['f.u.c.k this', 'pending'], ['sh1t show', 'rejected'],
  ]);
  const [a, b, c] = queue;
  expect(Object.keys(a!)).toEqual(['id', 'number', 'text', 'status', 'votes']);
  expect((await admin(t.app).post(`/api/ideas/${a!.id}/approve`)).body).toMatchObject({ number: 1, status: 'approved' });
  expect((await admin(t.app).post(`/api/ideas/${b!.id}/approve`)).body).toMatchObject({ number: 2, status: 'approved' });
  expect((await admin(t.app).post(`/api/ideas/${c!.id}/reject`)).body).toMatchObject({ number: null, status: 'rejected' });
  // Votes for both duplicates, one phone voting for both.
  await text(t.app, '+13125550210', 'VOTE 1');
  await text(t.app, '+13125550210', 'VOTE 2');
  await text(t.app, '+13125550211', '2');
  const merged = await admin(t.app).post(`/api/ideas/${b!.id}/merge`, { into: a!.id });
  expect(merged.body).toMatchObject({ status: 'merged', votes: 0 });
  expect((await ideas()).find((i) => i.id === a!.id)).toMatchObject({ votes: 2 });
  // The merged idea's number now votes for the idea kept.
  expect(await text(t.app, '+13125550212', '2')).toEqual(['Counted your vote for idea 2. You have 2 votes left.']);
  const edited = await admin(t.app).put(`/api/ideas/${a!.id}`, { text: 'Free buses to the rally, both ways' });
  expect(edited.body).toMatchObject({ text: 'Free buses to the rally, both ways', votes: 3 });
  expect(t.ctx.db.sqlite.prepare('SELECT original_text FROM ideas WHERE id = ?').get(a!.id)).toEqual({ original_text: 'Free buses to the rally' });
  // Bad input is precise.
  expect((await admin(t.app).post(`/api/ideas/${a!.id}/merge`, { into: a!.id })).status).toBe(400);
  expect((await admin(t.app).post(`/api/ideas/${a!.id}/merge`, {})).body.error.details).toEqual([{ path: 'into', message: expect.any(String) }]);
  expect((await admin(t.app).put(`/api/ideas/${a!.id}`, { text: 'x'.repeat(281) })).body.error.details).toEqual([{ path: 'text', message: 'must be 1-280 characters' }]);
  expect((await admin(t.app).post('/api/ideas/nope/approve')).status).toBe(404);
  expect((await admin(t.app).get('/api/campaigns/nope/ideas')).status).toBe(404);
});

test('the public page lists approved ideas with votes, no phone numbers; the CSV masks phones for volunteers', async () => {
  await admin(t.app).post(`/api/campaigns/${campaignId}/ideas/open`);
  await text(t.app, '+13125550221', 'IDEA Library open late');
  const [idea] = await ideas();
  await admin(t.app).post(`/api/ideas/${idea!.id}/approve`);
  await text(t.app, '+13125550222', 'VOTE 1');
  const token = (t.ctx.db.sqlite.prepare('SELECT token FROM live_displays WHERE campaign_id = ?').get(campaignId) as { token: string } | undefined)?.token
    ?? (await t.ctx.store.live.ensureDisplay(campaignId, 'tok-0123456789abcdef-ideas', t.clock.now())).token;
  const page = await request(t.app).get(`/ideas/${token}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain('Library open late');
  expect(page.text).toContain('1 vote');
  expect(page.text).not.toMatch(/555022/);
  expect((await request(t.app).get('/ideas/not-a-real-token-at-all')).status).toBe(404);

  const organizer = await admin(t.app).get(`/api/exports/ideas.csv?campaign=${campaignId}`);
  expect(organizer.status).toBe(200);
  expect(organizer.text).toContain('+13125550222');
  const volunteer = await request(t.app).get(`/api/exports/ideas.csv?campaign=${campaignId}`).set('Authorization', `Bearer ${VOLUNTEER_TOKEN}`);
  expect(volunteer.status).toBe(200);
  expect(volunteer.text).not.toContain('+13125550222');
  expect(volunteer.text).toContain('+1312***0222');
  expect(volunteer.text.split('\r\n')[0]).toBe('row,number,idea,original_text,status,votes,phone,voted_at');
  expect((await admin(t.app).get('/api/exports/ideas.csv')).status).toBe(400);
});

test('poll CSV: one row per option, then one per vote; formulas neutralised; phones masked for volunteers', async () => {
  const id = (await admin(t.app).post('/api/polls', { campaignId, question: 'Q?', options: [{ label: '=SUM(A1)' }, { label: 'Jobs' }] })).body.id;
  await admin(t.app).post(`/api/polls/${id}/open`);
  await text(t.app, '+13125550231', '1');
  await text(t.app, '+13125550232', '2');
  const csv = (await admin(t.app).get(`/api/exports/polls/${id}.csv`)).text.split('\r\n');
  expect(csv.slice(0, 3)).toEqual(['row,option_number,option,votes,phone,voted_at', "option,1,'=SUM(A1),1,,", 'option,2,Jobs,1,,']);
  expect(csv[3]).toMatch(/^vote,1,'=SUM\(A1\),,\+13125550231,/);
  const v = await request(t.app).get(`/api/exports/polls/${id}.csv`).set('Authorization', `Bearer ${VOLUNTEER_TOKEN}`);
  expect(v.text).toContain('+1312***0231');
  expect(v.text).not.toContain('+13125550231');
  expect((await admin(t.app).get('/api/exports/polls/nope.csv')).status).toBe(404);
});
