/** The failed-credential throttle on a manual clock: burst, steady rate, the two keys, memory. */
import { CredentialThrottle, FailureCounter } from '../../src/core/attempts';

const MIN = 60_000;
const policy = { maxFailures: 10, windowMs: 10 * MIN };

describe('FailureCounter', () => {
  test('ten failures in a burst, then one a minute; a quiet key drains completely', () => {
    const c = new FailureCounter(policy);
    for (let i = 0; i < 9; i++) expect(c.fail('a', 0)).toBe(false);
    expect(c.waitMs('a', 0)).toBe(0);
    expect(c.fail('a', 0)).toBe(true); // the tenth uses the allowance up
    expect(c.waitMs('a', 0)).toBe(MIN);
    expect(c.waitMs('a', MIN - 1)).toBe(1);
    expect(c.waitMs('a', MIN)).toBe(0);
    c.fail('a', MIN);
    expect(c.waitMs('a', MIN)).toBe(MIN);
    expect(c.waitMs('b', 0)).toBe(0); // other keys are untouched
    expect(c.waitMs('a', 11 * MIN)).toBe(0);
  });

  test('memory is bounded: drained keys are dropped, and never more than maxTracked', () => {
    const c = new FailureCounter(policy, 100);
    for (let i = 0; i < 1000; i++) c.fail(`k${i}`, 0);
    expect(c.size).toBe(100);
    const later = new FailureCounter(policy, 1000);
    for (let i = 0; i < 500; i++) later.fail(`k${i}`, i * MIN); // each drains a minute after its failure
    expect(later.size).toBeLessThan(5);
  });
});

describe('CredentialThrottle', () => {
  const wrong = (client: string, credential = `guess-${Math.random()}`) => ({ client, credential, correct: false });
  const right = (client: string) => ({ client, credential: 'the-right-one', correct: true });

  test('a client over its limit is throttled whatever it presents; a correct credential elsewhere is not', () => {
    const t = new CredentialThrottle({ perClient: policy, perCredential: policy });
    for (let i = 0; i < 9; i++) expect(t.attempt(wrong('attacker'), 0)).toEqual({ outcome: 'refused', limitReached: false });
    expect(t.attempt(wrong('attacker'), 0)).toEqual({ outcome: 'refused', limitReached: true });
    expect(t.attempt(wrong('attacker'), 0)).toEqual({ outcome: 'throttled', by: 'client', retryAfterMs: MIN });
    // Its own guesses, right or wrong, are not evaluated: the answer does not reveal a hit.
    expect(t.attempt(right('attacker'), 30_000)).toEqual({ outcome: 'throttled', by: 'client', retryAfterMs: 30_000 });
    // Everyone else is unaffected.
    expect(t.attempt(right('organizer'), 0)).toEqual({ outcome: 'accepted' });
    expect(t.attempt(wrong('organizer'), 0)).toEqual({ outcome: 'refused', limitReached: false });
    // Throttled attempts do not extend the wait.
    expect(t.attempt(right('attacker'), MIN)).toEqual({ outcome: 'accepted' });
  });

  test('one wrong credential replayed from many addresses is throttled; a correct one never is', () => {
    const t = new CredentialThrottle({ perClient: policy, perCredential: policy });
    for (let i = 0; i < 10; i++) expect(t.attempt(wrong(`10.0.0.${i}`, 'stale-token'), 0).outcome).toBe('refused');
    expect(t.attempt(wrong('10.0.1.1', 'stale-token'), 0)).toEqual({ outcome: 'throttled', by: 'credential', retryAfterMs: MIN });
    expect(t.attempt(wrong('10.0.1.1', 'another-guess'), 0).outcome).toBe('refused');
    // Even a correct credential whose fingerprint somehow collided is accepted: fingerprints only refuse wrong ones.
    expect(t.attempt({ client: '10.0.1.2', credential: 'stale-token', correct: true }, 0)).toEqual({ outcome: 'accepted' });
  });

  test('a success does not reset the count: the volunteer token buys no extra guesses', () => {
    const t = new CredentialThrottle({ perClient: policy, perCredential: policy });
    for (let i = 0; i < 10; i++) {
      t.attempt(wrong('volunteer-laptop'), 0);
      t.attempt(right('volunteer-laptop'), 0);
    }
    expect(t.attempt(wrong('volunteer-laptop'), 0).outcome).toBe('throttled');
  });
});
