/**
 * Strict HTML templating: `html\`<p>${value}</p>\`` escapes every interpolated value unless it
 * is itself an `Html` (the result of another `html` call, or `raw()` for trusted constant markup).
 * Arrays are joined; null, undefined and false render as nothing. Attribute values must be
 * written in double quotes; the escaping covers & < > " ' so a value can never leave them.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Html(out);
}

/** Trusted markup (constants written in this codebase only, never user data). */
export function raw(markup: string): Html {
  return new Html(markup);
}
