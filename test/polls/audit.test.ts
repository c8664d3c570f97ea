/**
 * Organizers' actions on polls and ideas are in the audit log like every other organizer action
 * (who created, opened and closed a poll; who opened the ideas window and moderated each idea),
 * through the real listener and GET /api/audit.
 */
import { admin, testApp, text, type TestApp } from '../helpers/app';

let t: TestApp;
let campaignId: string;
beforeEach(async () => {
  t = testApp();
  campaignId = (await admin(t.app).get('/api/campaigns')).body.campaigns[0].id;
});
afterEach(() => t.close());

interface Entry { action: string; actor: { name: string; role: string }; target: { type: string; id: string } | null; details: Record<string, unknown> }

test('creating, opening and closing a poll and moderating ideas each leave one entry, by the organizer who did it', async () => {
  const api = admin(t.app);
  const poll = await api.post('/api/polls', { campaignId, question: 'What first?', options: [{ label: 'Jobs', words: ['1', 'JOBS'] }, { label: 'Health', words: ['2', 'HEALTH'] }] });
  expect(poll.status).toBe(201);
  await api.post(`/api/polls/${poll.body.id}/open`);
  await api.post(`/api/polls/${poll.body.id}/close`);
  await api.post(`/api/campaigns/${campaignId}/ideas/open`);
  await text(t.app, '+13125550301', 'IDEA Free buses to the rally');
  await text(t.app, '+13125550302', 'IDEA free busses');
  await text(t.app, '+13125550303', 'IDEA more water stations');
  const [a, b, c] = (await api.get(`/api/campaigns/${campaignId}/ideas`)).body as { id: string }[];
  await api.post(`/api/ideas/${a!.id}/approve`);
  await api.post(`/api/ideas/${b!.id}/merge`, { into: a!.id });
  await api.put(`/api/ideas/${a!.id}`, { text: 'Free buses to the rally' });
  await api.post(`/api/ideas/${c!.id}/reject`);
  await api.post(`/api/campaigns/${campaignId}/ideas/close`);
  // A refused action leaves nothing.
  expect((await api.post('/api/ideas/nope/approve')).status).toBe(404);

  const entries = ((await api.get('/api/audit?limit=50')).body.entries as Entry[]).reverse();
  expect(entries.map((e) => [e.action, e.target?.type, e.target?.id])).toEqual([
    ['poll.created', 'poll', poll.body.id],
    ['poll.opened', 'poll', poll.body.id],
    ['poll.closed', 'poll', poll.body.id],
    ['ideas.opened', 'campaign', campaignId],
    ['idea.approved', 'idea', a!.id],
    ['idea.merged', 'idea', b!.id],
    ['idea.edited', 'idea', a!.id],
    ['idea.rejected', 'idea', c!.id],
    ['ideas.closed', 'campaign', campaignId],
  ]);
  for (const e of entries) expect(e.actor).toMatchObject({ role: 'organizer' });
  expect(entries[0]!.details).toEqual({ campaignId, question: 'What first?' });
  expect(entries[2]!.details).toEqual({ question: 'What first?', total: 0 });
  expect(entries[4]!.details).toEqual({ number: 1 });
  expect(entries[5]!.details).toEqual({ into: a!.id });
});
