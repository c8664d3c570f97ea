/** The pages' escaping helper: every interpolated value is escaped unless it is already markup. */
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
