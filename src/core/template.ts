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

/**
 * Render a template; empty or missing values take the fallback, else become ''. Only the values'
 * own properties are merge fields: {{constructor}} is never Object's constructor.
 */
export function renderTemplate(template: string, values: MergeValues): string {
  if (!template.includes('{{')) return template;
  return template.replace(FIELD, (_all, name: string, fallback: string | undefined) => {
    const v = ownValue(values, name.toLowerCase());
    const s = v === null || v === undefined ? '' : String(v).trim();
    return s !== '' ? s : (fallback ?? '').trim();
  });
}
