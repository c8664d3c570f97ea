/**
 * A broadcast's audience against the database: checking it (campaigns exist and are active,
 * keyword aliases map to the primary keyword memberships record), walking it page by page, and
 * snapshotting it into the recipients list in short batches, so the webhook is never blocked for
 * long and a crashed snapshot can simply be run again (duplicates are ignored).
 */
import { type Audience, type AudienceMember } from '../../core/audience';
import type { FieldProblem, ParseResult } from '../../core/validation';
import { zoneForContact } from '../../core/quiet-hours';
import { keywordForm } from '../../core/text';
import type { Store } from '../../store/store';

/**
 * Every campaign exists and is active (a reply STOP to an inactive sender would reach no
 * campaign), and keywords are mapped from aliases to the primary keyword memberships record.
 */
export async function resolveAudience(store: Store, a: Audience): Promise<ParseResult<Audience>> {
  const problems: FieldProblem[] = [];
  const rows = await store.broadcasts.campaignStates(a.campaigns);
  a.campaigns.forEach((id, i) => {
    const row = rows.find((r) => r.id === id);
    if (!row) problems.push({ path: `audience.campaigns.${i}`, message: `no campaign with id "${id}"` });
    else if (!row.active) problems.push({ path: `audience.campaigns.${i}`, message: `campaign "${id}" is inactive` });
  });
  if (problems.length > 0) return { ok: false, problems };
  if (a.votedFor) {
    const voted = await resolveVotedFor(store, a.campaigns, a.votedFor);
    if (!voted.ok) return voted;
    a = { ...a, votedFor: voted.value };
  }
  if (!a.keywords) return { ok: true, value: a };
  const kw = await store.broadcasts.keywordsOf(a.campaigns, a.keywords);
  a.keywords.forEach((w, i) => {
    if (!kw.some((k) => k.word === w)) problems.push({ path: `audience.keywords.${i}`, message: `"${w}" is not a keyword of these campaigns` });
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { ...a, keywords: [...new Set(kw.map((k) => k.primaryWord))] } };
}

/** Walk the whole audience page by page, yielding to the event loop between pages. */
export async function forEachAudiencePage(
  store: Store, a: Audience, pageSize: number, fn: (page: AudienceMember[]) => void | boolean | Promise<void | boolean>,
): Promise<void> {
  let after = '';
  for (;;) {
    const page = await store.broadcasts.audiencePage(a, after, pageSize);
    if (page.length === 0) return;
    if ((await fn(page)) === false) return;
    after = page[page.length - 1]!.contactId;
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * Snapshot the audience into the broadcast's recipients: batches of `pageSize`, one short
 * transaction each. Idempotent: after a crash it is simply run again. Returns the number of
 * recipients.
 */
export async function snapshotAudience(store: Store, broadcastId: string, a: Audience, now: () => string, pageSize = 2000): Promise<number> {
  let seq = await store.broadcasts.maxSeq(broadcastId);
  await forEachAudiencePage(store, a, pageSize, async (page) => {
    const rows = page.map((m) => ({ contactId: m.contactId, campaignId: m.campaignId, keyword: m.keyword, timeZone: zoneForContact({ zip: m.zip, phone: m.phone }) }));
    await store.broadcasts.addRecipients(broadcastId, rows, seq + 1, now());
    seq += rows.length;
  });
  return store.broadcasts.countRecipients(broadcastId);
}

/**
 * "voted for JOBS": the poll must be one of the audience's campaigns', and the option its number,
 * one of its words or its label (case and accents ignored), stored as the number.
 */
async function resolveVotedFor(store: Store, campaigns: string[], v: NonNullable<Audience['votedFor']>): Promise<ParseResult<{ poll: string; option: number }>> {
  const poll = await store.polls.find(v.poll);
  if (!poll || !campaigns.includes(poll.campaignId)) {
    return { ok: false, problems: [{ path: 'audience.votedFor.poll', message: `no poll with id "${v.poll}" in these campaigns` }] };
  }
  const labels = poll.options.map((o) => o.label).join(', ');
  if (typeof v.option === 'number') {
    if (v.option > poll.options.length) {
      return { ok: false, problems: [{ path: 'audience.votedFor.option', message: `this poll has ${poll.options.length} options (${labels})` }] };
    }
    return { ok: true, value: { poll: poll.id, option: v.option } };
  }
  const word = keywordForm(v.option);
  const at = poll.options.findIndex((o) => keywordForm(o.label) === word || o.words.includes(word));
  if (at < 0) return { ok: false, problems: [{ path: 'audience.votedFor.option', message: `"${v.option}" is not an option of this poll (${labels})` }] };
  return { ok: true, value: { poll: poll.id, option: at + 1 } };
}
