/**
 * Merge fields: {{first_name}}, {{first_name|friend}} (fallback when empty).
 * Templates are checked when saved, so an unknown field is an error then, not a blank later.
 */
import { ownValue } from './own';

const FIELD = /\{\{\s*([a-z_][a-z0-9_]*)\s*(?:\|([^{}]*))?\}\}/giu;

export interface TemplateProblem {
  field: string;
  message: string;
}

/** Fields a template refers to, in order of first use. */
export function templateFields(template: string): string[] {
  const seen = new Set<string>();
  for (const m of template.matchAll(FIELD)) seen.add(m[1]!.toLowerCase());
  return [...seen];
}

/** Unknown fields and stray braces in a template. */
export function checkTemplate(template: string, allowed: readonly string[]): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const field of templateFields(template)) {
    if (!allowed.includes(field)) {
      problems.push({ field, message: `unknown merge field {{${field}}}; allowed: ${allowed.join(', ')}` });
    }
  }
  const stripped = template.replace(FIELD, '');
  if (stripped.includes('{{') || stripped.includes('}}')) {
    problems.push({ field: '', message: 'unbalanced or malformed {{ }} merge field' });
  }
  return problems;
}

export type MergeValues = Readonly<Record<string, string | number | null | undefined>>;

/** A template split once into its text and its fields ({{name|fallback}}, name lower-cased, fallback trimmed). */
type Part = string | { readonly name: string; readonly fallback: string };

/**
 * Templates already split, by their text. Campaign messages are few and rendered on every keyword
 * and answer: splitting each once keeps a regular expression and a callback per field off the
 * webhook's path (about 4 µs of a JOIN's two messages, perf in docs/performance.md session 23).
 * Bounded: when full it starts again, so text that is not a campaign's cannot grow it.
 */
const split = new Map<string, readonly Part[]>();
const SPLIT_MAX = 2_000;

function partsOf(template: string): readonly Part[] {
  const known = split.get(template);
  if (known) return known;
  const parts: Part[] = [];
  let last = 0;
  for (const m of template.matchAll(FIELD)) {
    if (m.index > last) parts.push(template.slice(last, m.index));
    parts.push({ name: m[1]!.toLowerCase(), fallback: (m[2] ?? '').trim() });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  if (split.size >= SPLIT_MAX) split.clear();
  split.set(template, parts);
  return parts;
}

/**
 * Render a template; empty or missing values take the fallback, else become ''. Only the values'
 * own properties are merge fields: {{constructor}} is never Object's constructor.
 */
export function renderTemplate(template: string, values: MergeValues): string {
  if (!template.includes('{{')) return template;
  return renderTemplateBy(template, (name) => ownValue(values, name));
}

/**
 * Render a template whose values are looked up field by field (`lookup` must itself ignore what
 * objects inherit, as ownValue does): only the fields the template names are computed, and no
 * object of merge values is built. The flow engine renders every message this way.
 */
export function renderTemplateBy(template: string, lookup: (name: string) => string | number | null | undefined): string {
  if (!template.includes('{{')) return template;
  let out = '';
  for (const part of partsOf(template)) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const v = lookup(part.name);
    const s = v === null || v === undefined ? '' : String(v).trim();
    out += s !== '' ? s : part.fallback;
  }
  return out;
}
