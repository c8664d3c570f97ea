import {
  isSkip, validateChoice, validateEmail, validateMoney, validateName, validateText, validateYesNo, validateZip,
} from '../../src/core/validators';

describe('first name', () => {
  test.each([
    ['Ana', 'Ana'], ['  ana  ', 'ana'], ["Hi, I'm Ana", 'Ana'], ['hi im Ana!', 'Ana'], ['My name is José', 'José'],
    ['Zoë', 'Zoë'], ["O'Brien", "O'Brien"], ['Mary-Kate', 'Mary-Kate'], ['Mary Ann', 'Mary Ann'], ['Nguyễn', 'Nguyễn'],
    ['李', '李'], ['Οδυσσέας', 'Οδυσσέας'], ['محمد', 'محمد'], ['This is Sam.', 'Sam'], ['me llamo Lucía', 'Lucía'],
    ['O’Neil', "O'Neil"],
  ])('%j → %j', (input, expected) => {
    expect(validateName(input)).toEqual({ ok: true, value: expected });
  });
  test.each(['', '   ', '12345', 'Ana1', '🎉', 'a'.repeat(51), 'ana@example.org', '--', 'We have got to stop this bill', 'Ana -- Bob', "Hi, I'm"])(
    '%j is refused', (input) => {
      expect(validateName(input).ok).toBe(false);
    },
  );
  it('accepts exactly 50 characters', () => {
    expect(validateName('a'.repeat(50)).ok).toBe(true);
  });
});

describe('ZIP', () => {
  test.each([['60601', '60601'], [' 60601 ', '60601'], ['60601-1234', '60601-1234'], ['606011234', '60601-1234'], ['zip: 30303', '30303']])(
    '%j → %j', (input, expected) => expect(validateZip(input)).toEqual({ ok: true, value: expected }),
  );
  test.each(['6060', '606012', 'abcde', '60601-12', '', 'sixty'])('%j is refused', (input) => expect(validateZip(input).ok).toBe(false));
});

describe('email', () => {
  test.each([['ana@example.org', 'ana@example.org'], [' Ana.Lopez+rally@Example.COM ', 'Ana.Lopez+rally@example.com'], ['a@b.co.', 'a@b.co']])(
    '%j → %j', (input, expected) => expect(validateEmail(input)).toEqual({ ok: true, value: expected }),
  );
  test.each(['ana', 'ana@', '@example.org', 'ana at example.org', 'ana@example', 'a b@example.org', '.ana@example.org', 'ana..x@example.org', `${'a'.repeat(65)}@example.org`])(
    '%j is refused', (input) => expect(validateEmail(input).ok).toBe(false),
  );
});

describe('money', () => {
  const range = (s: string) => validateMoney(s, 100, 270_000);
  test.each([
    ['10', 1000], ['$10', 1000], ['10.50', 1050], ['$25/mo', 2500], ['$25 / month', 2500], ['25 a month', 2500],
    ['$1,000', 100_000], ['5 dollars', 500], ['$2,700', 270_000], ['1', 100], ['7.5', 750], ['$20 monthly', 2000],
    ["I'll give 15", 1500],
  ])('%j → %j cents', (input, cents) => expect(range(input)).toEqual({ ok: true, value: cents }));
  test.each(['ten', '', '$', '10.555', '1O', '-5', '$10 or $20'])('%j is invalid', (input) => expect(range(input)).toEqual({ ok: false, reason: 'invalid' }));
  test.each(['0', '$0.99', '$2,700.01', '5000', '99999'])('%j is out of range', (input) => expect(range(input)).toEqual({ ok: false, reason: 'out_of_range' }));
});

describe('yes/no, choice, text, skip', () => {
  it('reads yes and no', () => {
    expect(validateYesNo('Yes!')).toEqual({ ok: true, value: true });
    expect(validateYesNo('sí')).toEqual({ ok: true, value: true });
    expect(validateYesNo('nope')).toEqual({ ok: true, value: false });
    expect(validateYesNo('maybe').ok).toBe(false);
  });
  it('reads a choice by number, value, label or alias', () => {
    const options = [{ value: 'canvass', label: 'Knock doors', aliases: ['doors'] }, { value: 'phonebank', label: 'Make calls' }];
    expect(validateChoice('1', options)).toEqual({ ok: true, value: 'canvass' });
    expect(validateChoice('DOORS', options)).toEqual({ ok: true, value: 'canvass' });
    expect(validateChoice('make calls.', options)).toEqual({ ok: true, value: 'phonebank' });
    expect(validateChoice('3', options).ok).toBe(false);
  });
  it('bounds free text', () => {
    expect(validateText('  hello   world ', 20)).toEqual({ ok: true, value: 'hello world' });
    expect(validateText('   ', 20).ok).toBe(false);
    expect(validateText('🎉'.repeat(5), 5).ok).toBe(true);
    expect(validateText('x'.repeat(6), 5).ok).toBe(false);
  });
  test.each(['SKIP', 'skip.', 'no', 'No thanks', 'none', 'pass', 'N/A'])('%j skips', (s) => expect(isSkip(s)).toBe(true));
  test.each(['10', 'ana@example.org', 'skipper'])('%j does not skip', (s) => expect(isSkip(s)).toBe(false));
});
