/**
 * Broadcast lifecycle for organizers (API and CLI): create and edit drafts, preview, schedule,
 * send now, pause, resume, cancel, and read status with counts. Validation happens here, so a
 * bad template or audience is a precise 400 at create time. Sending itself is the dispatcher's.
 *
 *   draft ──schedule──▶ scheduled ──(send_at)──▶ sending ──▶ done
 *     └──────send──────────┴──────────send───────▶  │ ▲
 *                                          pause ──┘ └── resume
 *   draft | scheduled | sending | paused ──cancel──▶ canceled
 */
import { z } from 'zod';
import { parseAudience, type Audience } from '../../core/audience';
import { parseBroadcastFlow } from '../../core/broadcast-flow';
import { broadcastTemplateProblems } from '../../core/broadcast-template';
import { linkPath, linkTargets, replaceLinks, shortCode } from '../../core/donations';
import type { Flow } from '../../core/flow';
import type { Clock, IdGenerator } from '../../core/clock';
import { instantSchema } from '../../core/dates';
import { textField } from '../../core/text';
import { zodProblems, type FieldProblem } from '../../core/validation';
import type { SendWindow } from '../../core/quiet-hours';
import { isTranslated, localized, textIn, type Localized } from '../../core/language';
import { firstLanguage, parseTemplates, type BroadcastTemplates } from '../../core/broadcast-languages';
import { AppError } from '../../shared/errors';
import { maskPhone } from '../../shared/logger';
import type { Broadcast, CampaignChoice, RecipientPageQuery } from '../../store/broadcasts/repository';
import type { Store } from '../../store/store';
import { resolveAudience } from './audience';
import { broadcastCounts, type BroadcastCounts } from './counts';
import { previewBroadcast, type BroadcastPreview } from './preview';

export interface BroadcastDeps {
  store: Store;
  clock: Clock;
  newId: IdGenerator;
  sendRateMps: number;
  quietHours: SendWindow | null;
  footerText: string;
  /** Nudge the dispatcher (a broadcast became sendable). */
  wake?: () => void;
  /** Where tracked links point (PUBLIC_BASE_URL): `{{link:https://…}}` becomes <linkBase>/l/<code> when saved. */
  linkBase?: string;
}

/** An instant with a zone; an impossible date (2027-02-31) is refused, not moved to March. */
const instant = instantSchema(false).transform((p) => p.iso);

const fields = {
  name: textField().trim().min(1).max(120),
  /** One text, or one per language (`{ "en": "…", "es": "…" }`, issue 16). */
  template: localized(textField().max(1600)).optional(),
  /** A broadcast that asks: a flow in place of the template (validated by parseBroadcastFlow). */
  flow: z.unknown().optional(),
  audience: z.unknown().optional(),
  sendAt: instant.nullable().optional(),
  footer: z.boolean().optional(),
};
const createSchema = z.object(fields).strict();
const updateSchema = z
  .object({ name: fields.name.optional(), template: fields.template, flow: fields.flow, audience: fields.audience, sendAt: fields.sendAt, footer: fields.footer })
  .strict();

/** What a broadcast says: its text, and its flow when it asks (the flow's first prompt is the text). */
interface Message {
  template: string;
  /** The text per language; null: `template` for everyone. */
  templates: BroadcastTemplates | null;
  flow: Flow | null;
}
const scheduleSchema = z.object({ sendAt: instant }).strict();

export interface BroadcastView {
  id: string;
  name: string;
  template: string;
  /** The text per language (issue 16); null: `template` for everyone. */
  templates: BroadcastTemplates | null;
  /** The flow of a broadcast that asks (its first step's prompt is `template`); null for a plain text. */
  flow: Flow | null;
  /** Answers to the broadcast's question (its first step), by value: { "yes": 12, "no": 3 }; {} for a plain text. */
  answers: Record<string, number>;
  /** Answers to every step of the flow, by step id and value. */
  answersByStep: Record<string, Record<string, number>>;
  audience: unknown;
  footer: boolean;
  footerText: string | null;
  status: Broadcast['status'];
  sendAt: string | null;
  recipients: number | null;
  snapshotComplete: boolean;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  counts: BroadcastCounts;
  /** Tracked links the text carries ({{link:…}}), each with its clicks. */
  links: { target: string; url: string; clicks: number }[];
  /** Recipients' own donation links ({{donation_link}}): how many went out, how many were followed, clicks in all. */
  donationLinks: { sent: number; clicked: number; clicks: number };
}

/** One recipient as organizers see it (the number masked). */
export interface RecipientView {
  seq: number;
  contactId: string;
  phone: string;
  firstName: string | null;
  campaignId: string;
  status: string;
  twilioSid: string | null;
  errorCode: number | null;
  segments: number | null;
  attempts: number;
  /** null: location unknown (the strictest quiet hours apply). */
  timeZone: string | null;
  sentAt: string | null;
  updatedAt: string;
}

function invalid(problems: FieldProblem[]): never {
  throw new AppError('validation_failed', 'broadcast is invalid', problems);
}

export class BroadcastService {
  constructor(private readonly d: BroadcastDeps) {}

  private now(): string {
    return this.d.clock.now().toISOString();
  }

  private footerFor(footer: boolean): string | null {
    return footer ? this.d.footerText : null;
  }

  private get repo() {
    return this.d.store.broadcasts;
  }

  private async checkAudience(raw: unknown): Promise<Audience> {
    const parsed = parseAudience(raw);
    if (!parsed.ok) invalid(parsed.problems);
    const resolved = await resolveAudience(this.d.store, parsed.value);
    if (!resolved.ok) invalid(resolved.problems);
    return resolved.value;
  }

  private checkTemplate(template: string, footer: boolean): void {
    const problems = broadcastTemplateProblems(template, this.footerFor(footer));
    if (problems.length > 0) invalid(problems.map((p) => ({ path: 'template', message: p.message })));
  }

  /**
   * The message of a create (or preview): exactly one of `template` (a plain text) and `flow` (a
   * question); a flow is validated like a campaign's, its problems at `flow.…` paths.
   */
  private checkMessage(body: { template?: Localized | undefined; flow?: unknown }, footer: boolean): Message {
    const hasFlow = body.flow !== undefined && body.flow !== null;
    if (hasFlow && body.template !== undefined) invalid([{ path: 'flow', message: 'give either template (a plain text) or flow (a question), not both' }]);
    if (hasFlow) {
      const parsed = parseBroadcastFlow(body.flow, this.footerFor(footer));
      if (!parsed.ok) invalid(parsed.problems);
      return { template: textIn(parsed.value.steps[0]!.prompt, 'en'), templates: null, flow: parsed.value };
    }
    if (body.template === undefined) invalid([{ path: 'template', message: 'give a template (the text to send) or a flow (a question to ask)' }]);
    if (isTranslated(body.template)) {
      // Each language's text is checked like a plain template, at its own path (template.es).
      const templates = body.template;
      const problems: FieldProblem[] = [];
      for (const [lang, t] of Object.entries(templates)) {
        for (const p of broadcastTemplateProblems(t ?? '', this.footerFor(footer))) problems.push({ path: `template.${lang}`, message: p.message });
      }
      if (problems.length > 0) invalid(problems);
      return { template: templates[firstLanguage(templates)]!, templates, flow: null };
    }
    this.checkTemplate(body.template, footer);
    return { template: body.template, templates: null, flow: null };
  }

  private checkSendAt(sendAt: string | null | undefined): void {
    if (sendAt && sendAt <= this.now()) invalid([{ path: 'sendAt', message: 'must be in the future (use /send to send now)' }]);
  }

  async create(body: unknown): Promise<BroadcastView> {
    const p = createSchema.safeParse(body);
    if (!p.success) invalid(zodProblems(p.error));
    const footer = p.data.footer ?? true;
    const message = this.checkMessage(p.data, footer);
    const audience = await this.checkAudience(p.data.audience);
    this.checkSendAt(p.data.sendAt);
    const id = this.d.newId();
    const row = await this.repo.insert(
      {
        id, name: p.data.name, template: message.flow ? message.template : await this.trackLinks(id, message.template), audienceJson: JSON.stringify(audience), footer, sendAt: p.data.sendAt ?? null,
        flowJson: message.flow ? JSON.stringify(message.flow) : null,
        templatesJson: message.templates ? JSON.stringify(await this.trackLinksInEach(id, message.templates)) : null,
      },
      this.now(),
    );
    if (row.status === 'scheduled') this.d.wake?.();
    return this.view(row);
  }

  /** Edit a draft or scheduled broadcast; setting sendAt schedules it, null makes it a draft again. */
  async update(id: string, body: unknown): Promise<BroadcastView> {
    const p = updateSchema.safeParse(body);
    if (!p.success) invalid(zodProblems(p.error));
    const cur = await this.repo.get(id);
    const footer = p.data.footer ?? cur.footer === 1;
    const curFlow = await this.repo.flowOf(id);
    let message: Message;
    if (p.data.flow !== undefined && p.data.flow !== null) message = this.checkMessage({ template: p.data.template, flow: p.data.flow }, footer);
    else if (p.data.flow === null || curFlow === null) message = this.checkMessage({ template: p.data.template ?? parseTemplates(cur.templates) ?? cur.template }, footer);
    else if (p.data.template !== undefined) {
      invalid([{ path: 'template', message: 'this broadcast asks a question: change flow (its first step is the text), or send flow: null to make it a plain text' }]);
    } else message = this.checkMessage({ flow: JSON.parse(curFlow) as unknown }, footer);
    const audience = p.data.audience === undefined ? (JSON.parse(cur.audience) as Audience) : await this.checkAudience(p.data.audience);
    this.checkSendAt(p.data.sendAt);
    const sendAt = p.data.sendAt === undefined ? cur.send_at : p.data.sendAt;
    const row = await this.repo.transition(
      id, ['draft', 'scheduled'], sendAt ? 'scheduled' : 'draft',
      {
        name: p.data.name ?? cur.name, template: message.flow ? message.template : await this.trackLinks(id, message.template),
        templates: message.templates ? JSON.stringify(await this.trackLinksInEach(id, message.templates)) : null,
        audience: JSON.stringify(audience), footer: footer ? 1 : 0, send_at: sendAt,
      },
      this.now(),
      { json: message.flow ? JSON.stringify(message.flow) : null },
    );
    this.d.wake?.();
    return this.view(row);
  }

  async get(id: string): Promise<BroadcastView> {
    return this.view(await this.repo.get(id));
  }

  async list(): Promise<BroadcastView[]> {
    return Promise.all((await this.repo.list()).map((r) => this.view(r)));
  }

  async preview(id: string): Promise<BroadcastPreview> {
    const row = await this.repo.get(id);
    return this.previewOf({ template: row.template, templates: parseTemplates(row.templates), flow: null }, row.footer === 1, JSON.parse(row.audience) as Audience);
  }

  /** Preview before saving: the same checks as create, nothing written. */
  async previewDraft(body: unknown): Promise<BroadcastPreview> {
    const p = createSchema.omit({ name: true, sendAt: true }).strict().safeParse(body);
    if (!p.success) invalid(zodProblems(p.error));
    const footer = p.data.footer ?? true;
    const message = this.checkMessage(p.data, footer);
    const audience = await this.checkAudience(p.data.audience);
    return this.previewOf(message, footer, audience);
  }

  private previewOf(message: Message, footer: boolean, audience: Audience): Promise<BroadcastPreview> {
    return previewBroadcast(
      this.d.store, { template: message.template, templates: message.templates, footer: this.footerFor(footer), audience },
      { sendRateMps: this.d.sendRateMps, window: this.d.quietHours, now: this.d.clock.now(), linkBase: this.d.linkBase },
    );
  }

  async schedule(id: string, body: unknown): Promise<BroadcastView> {
    const p = scheduleSchema.safeParse(body);
    if (!p.success) invalid(zodProblems(p.error));
    this.checkSendAt(p.data.sendAt);
    const row = await this.repo.transition(id, ['draft', 'scheduled'], 'scheduled', { send_at: p.data.sendAt }, this.now());
    this.d.wake?.();
    return this.view(row);
  }

  /** Start now: the dispatcher snapshots the audience and sends. */
  async send(id: string): Promise<BroadcastView> {
    const now = this.now();
    const row = await this.repo.transition(id, ['draft', 'scheduled'], 'sending', { started_at: now, last_error: null }, now);
    this.d.wake?.();
    return this.view(row);
  }

  /** Stop sending; texts already handed to Twilio are not recalled. A scheduled broadcast stays unscheduled until resumed. */
  async pause(id: string): Promise<BroadcastView> {
    return this.view(await this.repo.transition(id, ['sending', 'scheduled'], 'paused', {}, this.now()));
  }

  /**
   * Back to sending, or back to its schedule when it was paused before it started. The move is
   * guarded by the status read here (only 'paused' may move), so a concurrent change is a 409.
   */
  async resume(id: string): Promise<BroadcastView> {
    const now = this.now();
    const cur = await this.repo.get(id);
    if (cur.status !== 'paused') throw new AppError('conflict', `broadcast is ${cur.status}; only a paused broadcast can be resumed`);
    const backToSchedule = cur.started_at === null && cur.send_at !== null && cur.send_at > now;
    const row = await this.repo.transition(
      id, ['paused'], backToSchedule ? 'scheduled' : 'sending',
      backToSchedule ? { last_error: null } : { started_at: cur.started_at ?? now, last_error: null }, now,
    );
    this.d.wake?.();
    return this.view(row);
  }

  /** Nothing more is sent; recipients not yet sent are marked canceled. */
  async cancel(id: string): Promise<BroadcastView> {
    return this.view(await this.repo.cancel(id, ['draft', 'scheduled', 'sending', 'paused'], this.now()));
  }

  /** Recipients in send order, paged by seq (e.g. status 'unknown': texts whose delivery could not be confirmed). */
  async recipients(id: string, q: RecipientPageQuery): Promise<RecipientView[]> {
    const b = await this.repo.get(id);
    const rows = await this.repo.recipients(b.id, q);
    return rows.map((x) => ({ ...x, phone: maskPhone(x.phone), timeZone: x.timeZone || null }));
  }

  /** Campaigns an audience may name (the composer's choices). */
  campaignChoices(): Promise<CampaignChoice[]> {
    return this.repo.campaignChoices();
  }

  async view(row: Broadcast): Promise<BroadcastView> {
    const flowJson = await this.repo.flowOf(row.id);
    const flow = flowJson === null ? null : (JSON.parse(flowJson) as Flow);
    // Keys are answers people typed ("__proto__" included): objects without a prototype.
    const answersByStep = Object.create(null) as Record<string, Record<string, number>>;
    if (flow) {
      for (const a of await this.repo.answerCounts(row.id)) {
        (answersByStep[a.stepId] ??= Object.create(null) as Record<string, number>)[a.value] = a.n;
      }
    }
    const answers = (flow && answersByStep[flow.steps[0]?.id ?? '']) ?? (Object.create(null) as Record<string, number>);
    return {
      id: row.id, name: row.name, template: row.template, templates: parseTemplates(row.templates), flow, answers, answersByStep, audience: JSON.parse(row.audience) as unknown, footer: row.footer === 1,
      footerText: this.footerFor(row.footer === 1), status: row.status, sendAt: row.send_at, recipients: row.recipients,
      snapshotComplete: row.snapshot_at !== null, lastError: row.last_error, createdAt: row.created_at, updatedAt: row.updated_at,
      startedAt: row.started_at, finishedAt: row.finished_at,
      counts: await broadcastCounts(this.d.store, row.id, this.d.quietHours, this.d.clock.now()),
      links: (await this.d.store.pledges.broadcastLinks(row.id)).map((l) => ({ target: l.target, url: `${this.d.linkBase ?? ''}${linkPath(l.code)}`, clicks: l.clicks })),
      donationLinks: await this.d.store.pledges.broadcastDonationLinks(row.id),
    };
  }

  /**
   * `{{link:https://…}}` becomes the broadcast's tracked short link to that URL (one per URL and
   * broadcast, made when the text is saved, so the text that is stored and sent is the one previewed).
   */
  private async trackLinks(broadcastId: string, template: string): Promise<string> {
    const urls = linkTargets(template);
    if (urls.length === 0) return template;
    const short = new Map<string, string>();
    for (const url of urls) {
      const code = await this.d.store.pledges.broadcastLink(broadcastId, null, url, shortCode(this.d.newId()), this.d.clock.now());
      short.set(url, `${this.d.linkBase ?? ''}${linkPath(code)}`);
    }
    return replaceLinks(template, (url) => short.get(url) ?? url);
  }

  /** Each language's text of a bilingual broadcast with its links tracked (one short link per URL and broadcast). */
  private async trackLinksInEach(broadcastId: string, templates: BroadcastTemplates): Promise<BroadcastTemplates> {
    const out: BroadcastTemplates = {};
    for (const [lang, t] of Object.entries(templates)) if (typeof t === 'string') out[lang as keyof BroadcastTemplates] = await this.trackLinks(broadcastId, t);
    return out;
  }
}
