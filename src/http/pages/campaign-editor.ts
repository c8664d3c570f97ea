/** Renders the campaign editor: basics, keywords, referrals and teams, the conversation's steps and messages. */
import { FLOW_MERGE_FIELDS } from '../../core/flow';
import type { FieldProblem } from '../../core/validation';
import type { CampaignView } from '../../usecases/campaigns/campaigns';
import type { ConsoleSession } from '../session';
import { formLanguages, VALIDATOR_TYPES, type CampaignForm, type MessageValue, type StepRow } from './campaign-form';
import { LANGUAGE_NAMES, type Lang } from '../../core/language';
import { builtInText } from '../../core/system-texts';
import { blankReferralsForm, referralTextBoxes, teamProblemsByLine } from './referrals-form';
import { checkboxField, containerErrors, errorSummary, field, FieldErrors, fieldId, selectField } from './fields';
import { html, type Html } from './html';
import { consolePage, csrfField } from './layout';

const TYPE_LABELS: Record<(typeof VALIDATOR_TYPES)[number], string> = {
  name: 'First name', zip: 'ZIP code', email: 'Email address', money: 'Money amount (pledge)', yesno: 'Yes or no',
  choice: 'Multiple choice', text: 'Free text', date: 'A date (e.g. 11/28/2026)',
};

const MERGE_HINT = `Merge fields: {{first_name|friend}} (with a fallback), ${FLOW_MERGE_FIELDS.filter((f) => f !== 'first_name')
  .map((f) => `{{${f}}}`)
  .join(', ')}, and any earlier step's capture. Counts are before merge fields are filled in.`;

/**
 * A message: one box, or in a campaign with several languages one box per language (each with
 * its own segment counter, named by the translation's path so problems land on it), and a warning
 * where a translation is missing.
 */
function messageField(
  fe: FieldErrors, languages: readonly Lang[], o: { name: string; label: string; value: MessageValue; rows?: number; hint?: string },
): Html {
  if (languages.length <= 1 && typeof o.value === 'string') return field(fe, { ...o, value: o.value, message: true });
  const value = o.value;
  const textOf = (l: Lang) => (typeof value === 'string' ? (l === languages[0] ? value : '') : (value[l] ?? ''));
  const missing = languages.filter((l) => textOf(l).trim() === '');
  const anyText = languages.some((l) => textOf(l).trim() !== '');
  const warning = anyText && missing.length > 0
    ? html`<p class="warning" role="status">Missing translation: ${missing.map((l) => LANGUAGE_NAMES[l]).join(', ')}${
        typeof value === 'string' ? ' — everyone gets this text as written until it is translated' : ''}.</p>`
    : '';
  // Each box takes its translation's problems first; what is left (the message as a whole) shows on the group.
  const boxes = languages.map((l) => field(fe, { name: `${o.name}.${l}`, label: `${o.label} — ${LANGUAGE_NAMES[l]}`, value: textOf(l), message: true, ...(o.rows ? { rows: o.rows } : {}), ...(o.hint && l === languages[0] ? { hint: o.hint } : {}) }));
  const groupId = fieldId(o.name);
  return html`<div class="lang-tabs" role="group" id="${groupId}" aria-label="${o.label}: one box per language">
${containerErrors(fe, o.name, groupId, o.label)}
${warning}
${boxes}
</div>`;
}

function stepBox(fe: FieldErrors, s: StepRow, i: number, total: number, languages: readonly Lang[]): Html {
  const p = `flow.steps.${i}`;
  const legendId = `step-${i}-legend`;
  const fields = html`
<div class="grid-3">
${field(fe, { name: `${p}.id`, label: 'Step id', value: s.id, hint: 'lower-case letters, digits, _' })}
${selectField(fe, { name: `${p}.validate.type`, label: 'Answer type', value: s.type, options: VALIDATOR_TYPES.map((t) => [t, TYPE_LABELS[t]]) })}
${field(fe, { name: `${p}.capture`, label: 'Save the answer as', value: s.capture, list: 'capture-fields', hint: 'first_name, zip, email, pledge, or a field name of your own' })}
</div>
${messageField(fe, languages, { name: `${p}.prompt`, label: 'Question', value: s.prompt })}
${messageField(fe, languages, { name: `${p}.reprompt`, label: 'Re-prompt after an answer that does not fit', value: s.reprompt, rows: 2 })}
<div class="type-params grid-3" data-for-type="money">
${field(fe, { name: `${p}.validate.minCents`, label: 'Smallest amount ($)', value: s.minCents, inputmode: 'decimal' })}
${field(fe, { name: `${p}.validate.maxCents`, label: 'Largest amount ($)', value: s.maxCents, inputmode: 'decimal' })}
${selectField(fe, { name: `${p}.validate.frequency`, label: 'Pledge frequency', value: s.frequency, options: [['monthly', 'Monthly'], ['once', 'One time']] })}
</div>
<div class="type-params" data-for-type="money">
${messageField(fe, languages, { name: `${p}.outOfRange`, label: 'Message when the amount is out of range (optional)', value: s.outOfRange, rows: 2, hint: '{{min}} and {{max}} are the range' })}
</div>
<div class="type-params" data-for-type="choice">
${field(fe, { name: `${p}.validate.options`, label: 'Choices, one a line', value: s.options, message: false, multiline: true, hint: 'value | label | alias, alias — e.g. "vol | Volunteer | v, help"', className: 'options' })}
</div>
<div class="type-params" data-for-type="text">
${field(fe, { name: `${p}.validate.maxLength`, label: 'Longest answer kept (characters)', value: s.maxLength, inputmode: 'numeric' })}
</div>
<div class="grid-2 routes">
${field(fe, { name: `${p}.branches`, label: 'Branches by answer (yes/no and choice steps)', value: s.branches, multiline: true, rows: 2, hint: html`One a line: <code>yes -&gt; shift_time</code> goes to that step; <code>no -&gt; end: Thanks anyway</code> ends with that message. Blank: every answer goes on.` })}
${field(fe, { name: `${p}.next`, label: 'Then (other answers, SKIP)', value: s.next, hint: html`A step id, <code>end: a closing message</code>, or blank for the next step in the list (after the last: the thank-you message)` })}
</div>
<div class="grid-2">
${checkboxField(fe, { name: `${p}.skippable`, label: 'People may reply SKIP', checked: s.skippable })}
${selectField(fe, { name: `${p}.onGiveUp`, label: 'After too many answers that do not fit', value: s.onGiveUp, options: [['next', 'Go on to the next step'], ['end', 'End the conversation politely']] })}
</div>`;
  return html`<fieldset class="step" id="step-${i}" aria-labelledby="${legendId}">
<legend id="${legendId}">Step ${i + 1}${s.id ? html`: <code>${s.id}</code>` : ''}</legend>
${containerErrors(fe, p, `step-${i}`, `Step ${i + 1}`)}
${fields}
<div class="row-actions">
  <button type="submit" class="secondary" name="op" value="step-up:${i}"${i === 0 ? html` disabled` : ''}>Move up<span class="visually-hidden"> step ${i + 1}</span></button>
  <button type="submit" class="secondary" name="op" value="step-down:${i}"${i === total - 1 ? html` disabled` : ''}>Move down<span class="visually-hidden"> step ${i + 1}</span></button>
  <button type="submit" class="secondary danger" name="op" value="remove-step:${i}">Remove step ${i + 1}</button>
</div>
</fieldset>`;
}

function keywordRows(fe: FieldErrors, form: CampaignForm): Html {
  const rows = form.keywords.length > 0 ? form.keywords : [{ word: '', aliases: '' }];
  return html`${rows.map(
    (k, i) => html`<div class="keyword-row grid-3">
${field(fe, { name: `keywords.${i}.word`, label: `Keyword ${i + 1}`, value: k.word, hint: '2-20 letters or digits, e.g. JOIN' })}
${field(fe, { name: `keywords.${i}.aliases`, label: `Aliases of keyword ${i + 1}`, value: k.aliases, hint: 'separated by commas, e.g. RALLY, UNETE:es (an alias in another language)' })}
${field(fe, { name: `keywords.${i}.language`, label: `Language of keyword ${i + 1}`, value: k.language ?? '', hint: 'en or es: people who text it are answered in it; blank for none' })}
<div class="field"><button type="submit" class="secondary danger" name="op" value="remove-keyword:${i}">Remove keyword ${i + 1}</button></div>
</div>`,
  )}`;
}

/**
 * Teams one a line and the two referral switches, each with the wording of its text (blank: the
 * built-in, quoted in the hint). The hidden `referrals` input says the fieldset was posted.
 */
function referralsSet(fe: FieldErrors, form: CampaignForm, languages: readonly Lang[]): Html {
  const r = form.referrals ?? blankReferralsForm();
  const keyword = form.keywords[0]?.word.trim().toUpperCase() || 'JOIN';
  const wording = (path: string, key: 'friendJoined' | 'showQuestion', lang: Lang, label: string, extra = '') =>
    field(fe, {
      name: path, label: languages.length > 1 ? `${label} — ${LANGUAGE_NAMES[lang]}` : label, value: r.texts[path] ?? '', message: true, rows: 2,
      hint: html`Blank for the built-in: <q>${builtInText(key, lang)}</q>${extra}`,
    });
  const boxes = referralTextBoxes(languages);
  const inner = html`
${field(fe, {
    name: 'referrals.teams', label: 'Teams, one a line', value: r.teams, multiline: true, rows: 4, className: 'teams',
    hint: html`<code>WORD | Name</code>, e.g. <code>NURSES | Nurses for Rosa</code>; add <code>| 50</code> for a goal of 50 members. People join a team by texting the keyword and its word (<code>${keyword} NURSES</code>); each team gets its own page. Empty the box to remove every team.`,
  })}
${checkboxField(fe, { name: 'referrals.recruiterNotice', label: 'Text recruiters when a friend they brought completes', checked: r.recruiterNotice, hint: "At most once a day per recruiter, in the campaign's first language. Off by default." })}
${boxes.filter((b) => b.key === 'friendJoined').map((b) => wording(b.path, b.key, b.lang, 'Wording of the recruiter notice (optional)', '. {{count}} is their friends so far.'))}
${checkboxField(fe, { name: 'referrals.askShow', label: 'Ask once to appear on the live leaderboard (reply SHOW)', checked: r.askShow, hint: 'Sent after a supporter first completes. Only people who reply SHOW are named on the live screen.' })}
${boxes.filter((b) => b.key === 'showQuestion').map((b) => wording(b.path, b.key, b.lang, 'Wording of the leaderboard question (optional)'))}`;
  return html`<fieldset id="referral-settings" aria-labelledby="referral-settings-legend">
<legend id="referral-settings-legend">Referrals and teams</legend>
<p class="hint">Everyone who completes the conversation gets a referral code to share (<code>${keyword} ANA7K</code> credits Ana). Teams are affinity groups: their word follows the keyword.</p>
${containerErrors(fe, 'referrals', 'referral-settings', 'Referrals and teams')}
<input type="hidden" name="referrals" value="on">
${inner}
</fieldset>`;
}

export interface EditorOptions {
  session: ConsoleSession;
  form: CampaignForm;
  problems: FieldProblem[];
  campaign: CampaignView | null;
  /** The field to focus after an add/remove/move (its zod path or a button id). */
  focus?: string | null;
  flash?: string | null;
  aside?: Html;
}

export function renderCampaignEditor(o: EditorOptions): string {
  const f = o.form;
  const fe = new FieldErrors(teamProblemsByLine(o.problems, f.referrals?.teams ?? ''));
  const action = o.campaign ? `/campaigns/${o.campaign.id}` : '/campaigns/new';
  const keywords = keywordRows(fe, f);
  const languages = formLanguages(f);
  // Before the basics: its wording boxes (texts.<lang>.friendJoined) claim their problems ahead of the JSON box (texts).
  const referrals = referralsSet(fe, f, languages);
  const steps = f.steps.map((s, i) => stepBox(fe, s, i, f.steps.length, languages));
  const basics = html`
<div class="grid-2">
${field(fe, { name: 'name', label: 'Campaign name', value: f.name, hint: 'For organizers only, e.g. "Chicago rally, Nov 21"' })}
${field(fe, { name: 'programName', label: 'Program name', value: f.programName, hint: 'Starts every compliance text, e.g. "Team Chicago"' })}
${field(fe, { name: 'sender', label: 'Sender', value: f.sender, hint: 'The short code (62262) or number in E.164 (+13125550100) people text', inputmode: 'tel' })}
${field(fe, { name: 'supportContact', label: 'Support contact', value: f.supportContact, hint: 'Email, URL or phone number given in HELP replies' })}
${field(fe, { name: 'frequency', label: 'Message frequency', value: f.frequency, hint: 'e.g. "Up to 6 msgs/mo" or "Recurring msgs"' })}
${field(fe, { name: 'expiryHours', label: 'Conversation expires after (hours)', value: f.expiryHours, inputmode: 'decimal' })}
${field(fe, { name: 'goalCents', label: "Tonight's monthly pledge goal ($)", value: f.goalCents, inputmode: 'decimal', hint: 'Shown as a thermometer on the live screen; blank for none' })}
${field(fe, { name: 'languages', label: 'Languages', value: f.languages ?? 'en', hint: 'en, es — the first is the default. With more than one, every message gets a box per language (save to see them).' })}
</div>
${field(fe, { name: 'texts', label: 'Your own wording of the system texts, per language (optional, JSON)', value: f.texts ?? '', multiline: true, rows: 2, hint: html`e.g. <code>{ "es": { "help": "{{program}}: escríbenos a {{support}}. Responde STOP para cancelar." } }</code> — see the bilingual guide` })}
${field(fe, { name: 'donationUrl', label: 'Donation form URL (optional)', value: f.donationUrl, hint: 'https, with {{pledge_amount}} {{pledge_ref}} {{first_name}} {{email}} {{zip}}; messages put each supporter\'s tracked link where they say {{donation_link}}' })}
${field(fe, { name: 'helpText', label: 'HELP reply (optional)', value: f.helpText, message: true, rows: 2, hint: 'Leave blank to generate one from the program name, frequency and support contact. Must mention STOP.' })}`;
  const keywordSet = html`<fieldset id="keywords" aria-labelledby="keywords-legend">
<legend id="keywords-legend">Keywords</legend>
<p class="hint">People text a keyword (or one of its aliases) as the first word to start the conversation.</p>
${containerErrors(fe, 'keywords', 'keywords', 'Keywords')}
${keywords}
<button type="submit" class="secondary" name="op" value="add-keyword" id="add-keyword">Add a keyword</button>
</fieldset>`;
  const flowSet = html`<section id="flow" aria-labelledby="flow-title">
<h2 id="flow-title">Conversation</h2>
<p class="hint">The opt-in confirmation (program name, frequency, rates, HELP and STOP) is sent first and generated for you. ${MERGE_HINT}</p>
${containerErrors(fe, 'flow.steps', 'flow', 'Steps')}
${steps}
<button type="submit" class="secondary" name="op" value="add-step" id="add-step">Add a step</button>
${messageField(fe, languages, { name: 'flow.completion', label: 'Thank-you message when all steps are answered', value: f.completion })}
${messageField(fe, languages, { name: 'flow.giveUp', label: 'Message when the conversation ends early (optional)', value: f.giveUp, rows: 2 })}
${field(fe, { name: 'flow.maxAttempts', label: 'Answers that do not fit before giving up on a step', value: f.maxAttempts, inputmode: 'numeric' })}
</section>`;
  const summary = errorSummary(fe);

  const title = o.campaign ? `Edit ${o.campaign.name}` : 'New campaign';
  const body = html`<p class="breadcrumb"><a href="/campaigns">Campaigns</a></p>
<h1>${title}</h1>
${summary}
<div class="editor-layout">
<form method="post" action="${action}" class="campaign-form" novalidate${o.focus ? html` data-focus="${o.focus.startsWith('add-') ? o.focus : fieldId(o.focus)}"` : ''}>
${csrfField(o.session)}
<button type="submit" name="op" value="save" class="visually-hidden" tabindex="-1" aria-hidden="true">Save</button>
<fieldset aria-labelledby="basics-legend"><legend id="basics-legend">Basics</legend>${basics}</fieldset>
${keywordSet}
${referrals}
${flowSet}
<datalist id="capture-fields"><option value="first_name"><option value="zip"><option value="email"><option value="pledge"></datalist>
<div class="form-actions"><button type="submit" name="op" value="save">${o.campaign ? 'Save changes' : 'Create campaign'}</button>
<a href="/campaigns" class="button secondary">Cancel</a></div>
</form>
${o.aside ?? ''}
</div>`;
  return consolePage({ title, session: o.session, active: 'campaigns', body, flash: o.flash, scripts: ['segments.js'] });
}
