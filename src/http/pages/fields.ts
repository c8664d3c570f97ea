/**
 * Form fields with their label, hint, inline errors and (for message boxes) a live character and
 * segment counter. Problems are claimed by the field whose name is their path or a prefix of it
 * (`keywords.0.aliases` claims `keywords.0.aliases.2`); what no field claims goes to the
 * enclosing fieldset or, failing that, the summary at the top of the page.
 */
import type { FieldProblem } from '../../core/validation';
import { segmentInfo, type SegmentInfo } from '../../core/segments';
import { html, type Html } from './html';

export function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

export interface SummaryItem {
  message: string;
  path: string;
  anchor: string | null;
  label: string | null;
}

export class FieldErrors {
  private readonly claimed = new Map<number, { anchor: string; label: string }>();
  constructor(readonly problems: readonly FieldProblem[]) {}

  /** The problems at `name` or below it, not yet claimed; they link to `anchor`. */
  take(name: string, anchor: string, label: string): string[] {
    const out: string[] = [];
    this.problems.forEach((p, i) => {
      if (this.claimed.has(i)) return;
      if (p.path === name || p.path.startsWith(`${name}.`) || (name === '' && p.path !== undefined)) {
        this.claimed.set(i, { anchor, label });
        out.push(friendlyMessage(p.message));
      }
    });
    return out;
  }

  summary(): SummaryItem[] {
    return this.problems.map((p, i) => {
      const c = this.claimed.get(i);
      return { message: friendlyMessage(p.message), path: p.path, anchor: c?.anchor ?? null, label: c?.label ?? null };
    });
  }

  get any(): boolean {
    return this.problems.length > 0;
  }
}

export function counterText(info: SegmentInfo): string {
  const chars = `${info.characters} character${info.characters === 1 ? '' : 's'}`;
  const seg = `${info.segments} segment${info.segments === 1 ? '' : 's'}`;
  return `${chars} · ${info.encoding} · ${seg} · ${info.remaining} left in this segment`;
}

interface FieldOptions {
  name: string;
  label: string;
  value: string;
  hint?: string | Html;
  /** Message box: a textarea with the live counter. */
  message?: boolean;
  /** A plain multi-line box (one item a line), no counter. */
  multiline?: boolean;
  rows?: number;
  type?: 'text' | 'number' | 'email' | 'tel';
  inputmode?: 'numeric' | 'decimal' | 'tel';
  required?: boolean;
  list?: string;
  className?: string;
  autocomplete?: string;
  placeholder?: string;
}

/** zod's generic wording in plain English; the console's own and the schemas' messages pass through. */
export function friendlyMessage(message: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^Too small: expected string to have >=(\d+) characters?$/.exec(message))) {
    return m[1] === '1' ? 'must not be empty' : `must be at least ${m[1]} characters`;
  }
  if ((m = /^Too big: expected string to have <=(\d+) characters?$/.exec(message))) return `must be at most ${m[1]} characters`;
  if ((m = /^Too small: expected array to have >=(\d+) items?$/.exec(message))) return m[1] === '1' ? 'add at least one' : `add at least ${m[1]}`;
  if ((m = /^Too big: expected array to have <=(\d+) items?$/.exec(message))) return `at most ${m[1]} allowed`;
  if ((m = /^Too small: expected number to be >(=?)(\S+)$/.exec(message))) return `must be ${m[1] ? 'at least' : 'more than'} ${m[2]}`;
  if ((m = /^Too big: expected number to be <(=?)(\S+)$/.exec(message))) return `must be ${m[1] ? 'at most' : 'less than'} ${m[2]}`;
  if (/^Invalid input: expected number/.test(message)) return 'must be a number';
  if (/^Invalid input: expected string/.test(message)) return 'is required';
  if ((m = /^Invalid option: expected one of (.+)$/.exec(message))) return `choose one of ${m[1]!.replace(/"/g, '').replace(/\|/g, ', ')}`;
  return message;
}

function errorBlock(id: string, errors: string[]): Html {
  return errors.length
    ? html`<p class="error" id="${id}-error"><span class="visually-hidden">Error: </span>${errors.join('; ')}</p>`
    : html``;
}

function describedBy(id: string, hint: boolean, errors: boolean, counter: boolean): string {
  return [hint && `${id}-hint`, errors && `${id}-error`, counter && `${id}-count`].filter(Boolean).join(' ');
}

export function field(fe: FieldErrors, o: FieldOptions): Html {
  const id = fieldId(o.name);
  const errors = fe.take(o.name, id, o.label);
  const desc = describedBy(id, !!o.hint, errors.length > 0, !!o.message);
  const common = html`id="${id}" name="${o.name}"${desc ? html` aria-describedby="${desc}"` : ''}${errors.length ? html` aria-invalid="true"` : ''}${
    o.required ? html` required` : ''}`;
  const control = o.multiline && !o.message
    ? html`<textarea ${common} rows="${o.rows ?? 3}" spellcheck="false"${o.placeholder ? html` placeholder="${o.placeholder}"` : ''}>${o.value}</textarea>`
    : o.message
    ? html`<textarea ${common} rows="${o.rows ?? 3}" data-counter="${id}-count"${o.placeholder ? html` placeholder="${o.placeholder}"` : ''}>${o.value}</textarea>
<p class="counter" id="${id}-count">${counterText(segmentInfo(o.value))}</p>`
    : html`<input ${common} type="${o.type ?? 'text'}" value="${o.value}"${o.inputmode ? html` inputmode="${o.inputmode}"` : ''}${
        o.list ? html` list="${o.list}"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${
        o.placeholder ? html` placeholder="${o.placeholder}"` : ''} spellcheck="false">`;
  return html`<div class="field${errors.length ? ' has-error' : ''}${o.className ? ` ${o.className}` : ''}">
<label for="${id}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
${errorBlock(id, errors)}
${control}
</div>`;
}

export function selectField(fe: FieldErrors, o: { name: string; label: string; value: string; options: [string, string][]; hint?: string; className?: string }): Html {
  const id = fieldId(o.name);
  const errors = fe.take(o.name, id, o.label);
  const desc = describedBy(id, !!o.hint, errors.length > 0, false);
  return html`<div class="field${errors.length ? ' has-error' : ''}${o.className ? ` ${o.className}` : ''}">
<label for="${id}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
${errorBlock(id, errors)}
<select id="${id}" name="${o.name}"${desc ? html` aria-describedby="${desc}"` : ''}${errors.length ? html` aria-invalid="true"` : ''}>
${o.options.map(([v, l]) => html`<option value="${v}"${v === o.value ? html` selected` : ''}>${l}</option>`)}
</select>
</div>`;
}

export function checkboxField(fe: FieldErrors, o: { name: string; label: string; checked: boolean; hint?: string }): Html {
  const id = fieldId(o.name);
  const errors = fe.take(o.name, id, o.label);
  return html`<div class="field checkbox${errors.length ? ' has-error' : ''}">
${errorBlock(id, errors)}
<input type="checkbox" id="${id}" name="${o.name}" value="on"${o.checked ? html` checked` : ''}${o.hint ? html` aria-describedby="${id}-hint"` : ''}>
<label for="${id}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
</div>`;
}

/** Problems left over at a container path (a fieldset): shown at its top. */
export function containerErrors(fe: FieldErrors, path: string, anchor: string, label: string): Html {
  const errors = fe.take(path, anchor, label);
  return errorBlock(anchor, errors);
}

/** The GOV.UK-style summary: every problem, each linking to its field. Focused by console.js. */
export function errorSummary(fe: FieldErrors): Html {
  if (!fe.any) return html``;
  const items = fe.summary();
  return html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${items.length === 1 ? 'There is a problem' : `There are ${items.length} problems`}</h2>
<ul>${items.map((p) => html`<li>${p.anchor
    ? html`<a href="#${p.anchor}">${p.label ? `${p.label}: ` : ''}${p.message}</a>`
    : html`${p.path ? `${p.path}: ` : ''}${p.message}`}</li>`)}</ul>
</div>`;
}
