/**
 * The pure parts of referrals (issue 13): codes (alphabet, name letters, always a digit), reading
 * a code after a keyword, the crediting rule, the commands, leaderboard names, the notice's day,
 * and that a JOIN without a code or an ordinary answer asks nothing of the referral tables.
 */
import { randomUUID } from 'node:crypto';
import { parseCampaign } from '../../src/core/campaign';
import { changesOf } from '../../src/core/inbound-events';
import { decideInbound } from '../../src/core/inbound';
import { KeywordIndex } from '../../src/core/keywords';
import { CODE_ALPHABET, CODE_LENGTH, creditVerdict, leaderboardName, makeCode, normalizeCode, noticeDue, wordAfterKeyword } from '../../src/core/referrals';
import { referralCommand } from '../../src/core/rules/referral-commands';
import { keywordForm } from '../../src/core/text';
import { DEMO_CAMPAIGN } from '../../src/usecases/campaigns/seed';

test('codes: the readable alphabet, up to three letters of the name, always a digit, longer after three taken draws', () => {
  expect(CODE_ALPHABET).not.toMatch(/[01OI]/);
  for (let i = 0; i < 500; i++) {
    const c = makeCode(`seed-${i}`, 'Ana');
    expect(c).toMatch(/^ANA[A-HJ-NP-Z2-9]{2}$/);
    expect(c).toMatch(/[2-9]/);
  }
  expect(makeCode('x', 'Iván')).toMatch(/^VAN/);
  expect(makeCode('x', null)).toMatch(/^[A-HJ-NP-Z2-9]{5}$/);
  expect(makeCode('x', 'Ana', 1)).not.toMatch(/^ANA/);
  expect(makeCode('x', 'Ana', 3)).toHaveLength(6);
});

test('reading a code after the keyword', () => {
  expect(wordAfterKeyword('JOIN ana7k please')).toBe('ana7k');
  expect(wordAfterKeyword('JOIN')).toBeNull();
  expect(normalizeCode('ana7k')).toBe('ANA7K');
  expect(normalizeCode('ana-7k')).toBe('ANA7K');
  expect(normalizeCode('chicago')).toBeNull();
  expect(normalizeCode('please')).toBeNull();
  // The mistypes the issue names are mapped; with this alphabet they never make a real code.
  expect(normalizeCode('AN07K')).toBe('ANO7K');
  expect(normalizeCode('1NA7K')).toBe('INA7K');
});

test('crediting: unknown, self, first credit wins, an existing recruiter is never a recruit', () => {
  expect(creditVerdict({ ownerId: undefined, contactId: 'b', own: undefined })).toBe('unknown_code');
  expect(creditVerdict({ ownerId: 'a', contactId: 'a', own: { code: 'ANA7K', recruitedBy: null } })).toBe('self');
  expect(creditVerdict({ ownerId: 'a', contactId: 'b', own: { code: null, recruitedBy: 'c' } })).toBe('already_credited');
  expect(creditVerdict({ ownerId: 'a', contactId: 'b', own: { code: 'BEN3X', recruitedBy: null } })).toBe('already_a_recruiter');
  expect(creditVerdict({ ownerId: 'a', contactId: 'b', own: undefined })).toBe('credited');
});

test('commands, names, the notice day', () => {
  expect(referralCommand('page')).toEqual({ kind: 'page' });
  expect(referralCommand('PAGE me')).toBeNull();
  expect(referralCommand('Goal 10!')).toEqual({ kind: 'goal', goal: 10 });
  for (const bad of ['GOAL', 'GOAL ten', 'GOAL 0', 'GOAL 1001', 'GOAL 1.5', 'GOAL -3']) expect(referralCommand(bad)).toEqual({ kind: 'goal', goal: null });
  expect(leaderboardName('Ana Ruiz')).toBe('Ana R.');
  expect(leaderboardName('Ana')).toBe('Ana');
  expect(leaderboardName(null)).toBeNull();
  expect(noticeDue(null, '2026-01-01T00:00:00Z')).toBe(true);
  expect(noticeDue('2026-01-01T00:00:00Z', '2026-01-01T23:59:00Z')).toBe(false);
  expect(noticeDue('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')).toBe(true);
});

describe('the hot path asks nothing of referrals', () => {
  const parsed = parseCampaign(DEMO_CAMPAIGN);
  if (!parsed.ok) throw new Error('demo invalid');
  const campaign = { id: 'c1', ...parsed.value };
  const keywords = new KeywordIndex([campaign]);
  let n = 0;
  const decide = (text: string, conversation: Parameters<typeof decideInbound>[0]['conversation'] = null) =>
    changesOf(decideInbound({
      text, now: new Date('2026-11-21T20:00:00Z'), senderCampaign: campaign, keywords,
      contact: { id: 'k', status: 'subscribed', firstName: null, zip: null, email: null, known: true },
      conversation, conversationCampaign: conversation ? campaign : null, optOutType: null, newId: () => `id${++n}`,
    }), 'subscribed');

  test('JOIN, JOIN chicago and an answer: no referral work; JOIN ANA7K: a claim; the last answer: a code', () => {
    expect(decide('JOIN').referral).toBeNull();
    expect(decide('JOIN chicago').referral).toBeNull();
    expect(decide('join ana7k please').referral).toMatchObject({ claim: 'ANA7K', issue: false });
    const waiting = { id: 'v', campaignId: 'c1', keyword: 'JOIN', stepIndex: 0, attempts: 0, captured: {}, expiresAt: '2026-11-22T20:00:00Z' };
    expect(decide('Ana', waiting).referral).toBeNull();
    expect(decide('SKIP', { ...waiting, stepIndex: 3 }).referral).toMatchObject({ issue: true, claim: null, notice: null });
  });
});

describe('makeCode from Numbers (session 24) makes the codes the BigInt version made', () => {
  /** The version before: the seed's low 64 bits as one bigint, five bits at a time. */
  function bigintCode(seed: string, firstName: string | null, attempt: number): string {
    const hex = seed.replace(/-/g, '');
    let bits: bigint;
    if (/^[0-9a-f]{32}$/i.test(hex)) bits = BigInt(`0x${hex.slice(16)}`);
    else {
      bits = 0xcbf29ce484222325n;
      for (const ch of seed) bits = ((bits ^ BigInt(ch.codePointAt(0)!)) * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    const letters = attempt === 0 ? [...keywordForm(firstName ?? '')].filter((c) => CODE_ALPHABET.includes(c)).slice(0, 3).join('') : '';
    const length = CODE_LENGTH + (attempt >= 3 ? 1 : 0);
    let out = letters;
    while (out.length < length) {
      out += CODE_ALPHABET[Number(bits & 31n)];
      bits >>= 5n;
    }
    return /[2-9]/.test(out) ? out : out.slice(0, -1) + '23456789'[Number(bits & 7n)];
  }

  test('20,000 random seeds, names and attempts', () => {
    const names = [null, '', 'Ana', 'Iván', 'Maya', 'Jo', 'Ōtsuka', 'Zoë', 'X Æ A-12', 'Mary-Kate', '李'];
    for (let i = 0; i < 20_000; i++) {
      const seed = i % 10 === 0 ? `m${i}` : randomUUID();
      const name = names[i % names.length]!;
      const attempt = i % 8;
      const [got, want] = [makeCode(seed, name, attempt), bigintCode(seed, name, attempt)];
      if (got !== want) throw new Error(`${seed} ${name} ${attempt}: ${got}, the BigInt version ${want}`);
    }
  });

  test('seeds whose symbols come out letters only get their digit from the right bits', () => {
    // Low 64 bits all ones: every symbol is '9' (index 31). All zero: every symbol 'A', then a digit from bits 25-27 (zero: '2').
    expect(makeCode('00000000-0000-7000-8000-000000000000', null)).toBe(bigintCode('00000000-0000-7000-8000-000000000000', null, 0));
    expect(makeCode('00000000-0000-7000-8000-000000000000', null)).toBe('AAAA2');
    expect(makeCode('00000000-0000-7000-ffff-ffffffffffff', null)).toBe('99999');
    // Letters in bits 0-29, a 1 in bit 31 only: the digit of a six-symbol code reads across the halves.
    for (const tail of ['0000-000080000000', '0000-0000c0000000', '0001-000000000000', '0000-000100000000', '0000-000040000000']) {
      const seed = `00000000-0000-7000-${tail}`;
      for (let attempt = 0; attempt < 8; attempt++) expect(makeCode(seed, null, attempt)).toBe(bigintCode(seed, null, attempt));
    }
  });
});
