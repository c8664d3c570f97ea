/** The pages' escaping helper: every interpolated value is escaped unless it is already markup. */
import { parseCampaign } from '../../src/core/campaign';
import { friendlyMessage } from '../../src/http/pages/fields';
import { escapeHtml, html, raw } from '../../src/http/pages/html';

test('escapes text and attribute breakouts', () => {
  const evil = `"><script>alert('x')</script>&`;
  expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
    '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>',
  );
});

test('nested html and raw() are not escaped twice; arrays join; null/undefined/false vanish', () => {
  const inner = html`<b>${'<i>'}</b>`;
  expect(html`<div>${inner}${[html`<br>`, '<', 1]}${null}${undefined}${false}${0}</div>`.value).toBe('<div><b>&lt;i&gt;</b><br>&lt;10</div>');
  expect(html`${raw('<hr>')}`.value).toBe('<hr>');
});

test('escapeHtml covers the five characters', () => {
  expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
});

describe('friendly zod messages', () => {
  test.each([
    ['Too small: expected string to have >=1 characters', 'must not be empty'],
    ['Too small: expected string to have >=3 characters', 'must be at least 3 characters'],
    ['Too big: expected string to have <=120 characters', 'must be at most 120 characters'],
    ['Too small: expected array to have >=1 items', 'add at least one'],
    ['Too big: expected number to be <=720', 'must be at most 720'],
    ['Too small: expected number to be >0', 'must be more than 0'],
    ['Invalid input: expected number, received string', 'must be a number'],
    ['Invalid option: expected one of "next"|"end"', 'choose one of next, end'],
    ['must be 2-20 letters or digits', 'must be 2-20 letters or digits'],
  ])('%s → %s', (input, expected) => {
    expect(friendlyMessage(input)).toBe(expected);
  });

  test('the real zod messages for a bad campaign are covered', () => {
    const r = parseCampaign({ name: '', programName: 'x'.repeat(61), sender: '62262', keywords: [], supportContact: 'a', expiryHours: 0, flow: { steps: [], completion: 'ok', maxAttempts: 99 } });
    expect(r.ok).toBe(false);
    const messages = r.ok ? [] : r.problems.map((p) => friendlyMessage(p.message));
    expect(messages.filter((m) => /^(Too|Invalid)/.test(m))).toEqual([]);
  });
});
