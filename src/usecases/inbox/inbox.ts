/**
 * The inbox, end to end for people: list threads (newest first, filtered), open one (its texts
 * both ways, the contact's captured fields and consent history), reply through the outbox
 * chokepoint, mark done or reopen, assign, split unassigned threads among volunteers, and "next".
 *
 * Scope: an organizer sees and acts on every thread; a volunteer only on threads assigned to them
 * or to nobody (another's → 403; a contact without a thread → 404). Volunteers see phones masked.
 */
import { isLang, languageFor } from '../../core/language';
import { parseTemplates, templateFor } from '../../core/broadcast-languages';
import type { Clock, IdGenerator } from '../../core/clock';
import {
  dealThreads, parseAssign, parseReply, parseSplit, renderCanned, SIGNED_IN,
} from '../../core/inbox';
import { AppError } from '../../shared/errors';
import { maskPhone } from '../../shared/logger';
import type { QueuedReply, ThreadMessage, ThreadRow } from '../../store/inbox/repository';
import type { Store } from '../../store/store';
import type { CampaignRegistry } from '../campaigns/registry';
import { tokenActor, userActor, type Actor } from '../sessions/actor';
import type { AuditLog } from '../audit/audit';
import type { InboxEvents } from './events';

export type { QueuedReply };

export interface ThreadSummary {
  contactId: string;
  /** Masked for volunteers. */
  phone: string;
  firstName: string | null;
  lastText: string;
  lastAt: string;
  unread: number;
  assignee: string | null;
  status: 'open' | 'done';
  campaignId: string | null;
  campaignName: string | null;
  optedOut: boolean;
}

export interface CannedForThread {
  id: string;
  title: string;
  /** The body with this contact's and campaign's values merged in. */
  text: string;
}

export interface ThreadView extends ThreadSummary {
  /** A contact who has no thread yet (an organizer opened it from elsewhere). */
  hasThread: boolean;
  contact: {
    firstName: string | null;
    zip: string | null;
    email: string | null;
    status: string;
    fields: Record<string, unknown>;
    createdAt: string;
  };
  consent: { kind: string; via: string; keyword: string | null; campaignName: string | null; at: string }[];
  messages: ThreadMessage[];
  /** null when a reply may be sent; else why not, in words for the reply box. */
  replyBlocked: string | null;
  canned: CannedForThread[];
}

/** Someone threads can be dealt to, as the console and the split's answer name them. */
export interface Assignee {
  id: string;
  name: string;
}

export interface SplitResult {
  /** Threads each assignee got (every assignee listed, 0 included). */
  assigned: Record<string, number>;
  total: number;
  /** Who was dealt threads, in dealing order, with names. */
  assignees: Assignee[];
}

export interface ListQuery {
  status?: 'open' | 'done';
  assigned?: 'me' | 'none';
  campaignId?: string;
  limit: number;
  before?: string;
}

export interface InboxDeps {
  store: Pick<Store, 'inbox' | 'contacts' | 'people'>;
  registry: Pick<CampaignRegistry, 'campaign'>;
  events: Pick<InboxEvents, 'publish'>;
  clock: Clock;
  newId: IdGenerator;
  /** Nudge the dispatcher (a reply is queued). */
  wake?: () => void;
  /** Who sent which reply goes in the audit log (`reply.sent`), awaited before the answer. */
  audit?: Pick<AuditLog, 'record'>;
}

const MESSAGES_SHOWN = 200;

export class Inbox {
  constructor(private readonly d: InboxDeps) {}

  private now(): string {
    return this.d.clock.now().toISOString();
  }

  private summary(t: ThreadRow, actor: Actor): ThreadSummary {
    return {
      contactId: t.contact_id, phone: actor.role === 'admin' ? t.phone : maskPhone(t.phone), firstName: t.firstName, lastText: t.last_text,
      lastAt: t.last_at, unread: t.unread, assignee: t.assignee, status: t.status, campaignId: t.campaign_id,
      campaignName: t.campaign_id ? (this.d.registry.campaign(t.campaign_id)?.name ?? null) : null, optedOut: t.contactStatus === 'opted_out',
    };
  }

  async list(actor: Actor, q: ListQuery): Promise<ThreadSummary[]> {
    const rows = await this.d.store.inbox.list({
      status: q.status, campaignId: q.campaignId, limit: q.limit, before: q.before,
      assignee: q.assigned === 'me' ? actor.id : q.assigned === 'none' ? null : undefined,
      visibleTo: actor.role === 'admin' ? undefined : actor.id,
    });
    return rows.map((t) => this.summary(t, actor));
  }

  /** The thread in this actor's scope (volunteers: theirs or unassigned), or 403/404. */
  private async scoped(actor: Actor, contactId: string): Promise<ThreadRow | null> {
    const t = await this.d.store.inbox.thread(contactId);
    if (actor.role === 'admin') return t;
    if (!t) throw new AppError('not_found', `no inbox thread for contact ${contactId}`);
    if (t.assignee !== null && t.assignee !== actor.id) throw new AppError('forbidden', 'this thread is assigned to someone else');
    return t;
  }

  /** Opening a thread marks it read (unless `peek`). */
  async get(actor: Actor, contactId: string, opts: { peek?: boolean } = {}): Promise<ThreadView> {
    const t = await this.scoped(actor, contactId);
    const record = await this.d.store.contacts.record(contactId);
    if (!record) throw new AppError('not_found', `no contact ${contactId}`);
    if (t && t.unread > 0 && !opts.peek) {
      await this.d.store.inbox.markRead(contactId, this.now());
      this.d.events.publish({ contactId, assignee: t.assignee, reason: 'read' });
    }
    const c = record.contact;
    const campaign = t?.campaign_id ? this.d.registry.campaign(t.campaign_id) : undefined;
    const summary: ThreadSummary = t
      ? { ...this.summary(t, actor), unread: opts.peek ? t.unread : 0 }
      : {
          contactId, phone: actor.role === 'admin' ? c.phone : maskPhone(c.phone), firstName: c.firstName, lastText: '', lastAt: c.updatedAt,
          unread: 0, assignee: null, status: 'open', campaignId: null, campaignName: null, optedOut: c.status === 'opted_out',
        };
    // A canned reply given per language is shown in the contact's (their campaign's default when unknown).
    const lang = campaign ? languageFor(c.language, campaign) : isLang(c.language) ? c.language : 'en';
    const canned = (await this.d.store.inbox.cannedList()).map((r) => ({
      id: r.id, title: r.title,
      text: renderCanned(templateFor(r.body, parseTemplates(r.bodies), lang, campaign?.languages ?? [lang]), { firstName: c.firstName, zip: c.zip, email: c.email, programName: campaign?.programName ?? null, sender: campaign?.sender ?? null }),
    }));
    return {
      ...summary,
      hasThread: t !== null,
      contact: { firstName: c.firstName, zip: c.zip, email: c.email, status: c.status, fields: record.fields, createdAt: c.createdAt },
      consent: record.consent.map((e) => ({ kind: e.kind, via: e.via, keyword: e.keyword, campaignName: e.campaignName, at: e.at })),
      messages: await this.d.store.inbox.messages(contactId, MESSAGES_SHOWN),
      replyBlocked: replyBlocked(c.status, c.optedOutAt),
      canned,
    };
  }

  /**
   * Queue a reply (202 at the adapter). Returns what was queued, so the caller can record who
   * sent what (the audit log's `reply.sent`).
   */
  async reply(actor: Actor, contactId: string, input: unknown): Promise<QueuedReply> {
    const parsed = parseReply(input);
    if (!parsed.ok) throw new AppError('validation_failed', 'invalid reply', parsed.problems);
    const t = await this.scoped(actor, contactId);
    const result = await this.d.store.inbox.queueReply({ contactId, body: parsed.value.body, author: actor.id }, this.d.newId, this.now());
    if (!result.ok) {
      if (result.refusal === 'no_contact') throw new AppError('not_found', `no contact ${contactId}`);
      if (result.refusal === 'opted_out') {
        throw new AppError('conflict', 'this number has opted out (replied STOP or was opted out); it cannot be texted unless it opts in again', [
          { path: 'contactId', message: 'opted out' },
        ]);
      }
      throw new AppError('conflict', `this number cannot be texted (${result.refusal})`);
    }
    this.d.wake?.();
    this.d.events.publish({ contactId, assignee: t?.assignee ?? null, reason: 'reply' });
    await this.d.audit?.record({
      actor, action: 'reply.sent', target: { type: 'contact', id: contactId },
      details: { outboundId: result.reply.outboundId, segments: result.reply.segments, characters: result.reply.body.length },
    });
    return result.reply;
  }

  async setStatus(actor: Actor, contactId: string, status: 'open' | 'done'): Promise<ThreadSummary> {
    const t = await this.scoped(actor, contactId);
    if (!t) throw new AppError('not_found', `no inbox thread for contact ${contactId}`);
    await this.d.store.inbox.setStatus(contactId, status, this.now());
    this.d.events.publish({ contactId, assignee: t.assignee, reason: 'status' });
    if (t.status !== status) {
      await this.d.audit?.record({ actor, action: status === 'done' ? 'thread.done' : 'thread.reopened', target: { type: 'contact', id: contactId } });
    }
    return this.summary({ ...t, status }, actor);
  }

  /** Organizers assign to anyone; a volunteer may take a thread in their scope or let it go. */
  async assign(actor: Actor, contactId: string, input: unknown): Promise<ThreadSummary> {
    const parsed = parseAssign(input);
    if (!parsed.ok) throw new AppError('validation_failed', 'invalid assignment', parsed.problems);
    const assignee = parsed.value.assignee;
    if (actor.role !== 'admin' && assignee !== null && assignee !== actor.id) {
      throw new AppError('forbidden', 'volunteers can assign threads only to themselves');
    }
    await this.scoped(actor, contactId);
    const r = await this.d.store.inbox.assign(contactId, assignee, this.now(), actor.role === 'admin' ? undefined : actor.id);
    if (r === 'no_thread') throw new AppError('not_found', `no inbox thread for contact ${contactId}`);
    if (r === 'taken') throw new AppError('forbidden', 'this thread is assigned to someone else');
    this.d.events.publish({ contactId, assignee, reason: 'assigned' });
    await this.d.audit?.record({ actor, action: 'thread.assigned', target: { type: 'contact', id: contactId }, details: { assignee } });
    return this.summary((await this.d.store.inbox.thread(contactId))!, actor);
  }

  /**
   * The volunteers signed in as themselves right now (an active account with a console session
   * that has not expired or been signed out), by name. The shared volunteer token is no one in
   * particular, so its sessions are not counted.
   */
  async signedInVolunteers(): Promise<Assignee[]> {
    const users = await this.d.store.people.signedIn('volunteer', this.now());
    return users.map((u) => ({ id: `user:${u.id}`, name: userActor(u).name }));
  }

  /**
   * Deal unassigned open threads among the given people (organizers only): an explicit list of
   * actor ids, or `"signed_in"` for the volunteers signed in now (409 when there are none).
   */
  async split(actor: Actor, input: unknown): Promise<SplitResult> {
    if (actor.role !== 'admin') throw new AppError('forbidden', 'only organizers can split threads');
    const parsed = parseSplit(input);
    if (!parsed.ok) throw new AppError('validation_failed', 'invalid split', parsed.problems);
    const s = parsed.value;
    const people = s.assignees === SIGNED_IN ? await this.signedInVolunteers() : await this.named(s.assignees);
    if (people.length === 0) {
      throw new AppError('conflict', 'no volunteer is signed in with their own account right now; list the assignees instead', [
        { path: 'assignees', message: 'no volunteer is signed in' },
      ]);
    }
    const ids = people.map((p) => p.id);
    const want = s.mode === 'count' ? s.count! * ids.length : 10_000;
    const threads = await this.d.store.inbox.unassigned(want, s.campaignId);
    const pairs = dealThreads(threads, ids, s.mode, s.count);
    const assigned = await this.d.store.inbox.assignMany(pairs, this.now());
    for (const a of ids) assigned[a] ??= 0;
    for (const [contactId, assignee] of pairs) this.d.events.publish({ contactId, assignee, reason: 'assigned' });
    const total = Object.values(assigned).reduce((x, y) => x + y, 0);
    await this.d.audit?.record({
      actor, action: 'threads.split', target: null,
      details: { mode: s.mode, ...(s.count !== undefined ? { count: s.count } : {}), signedIn: s.assignees === SIGNED_IN, assigned, total },
    });
    return { assigned, total, assignees: people };
  }

  /** Names for actor ids: a person's name (or email), the tokens' labels, else the id itself. */
  private async named(ids: readonly string[]): Promise<Assignee[]> {
    return Promise.all(ids.map(async (id) => {
      if (id === 'token:admin' || id === 'token:volunteer') return { id, name: tokenActor(id === 'token:admin' ? 'admin' : 'volunteer').name };
      const user = id.startsWith('user:') ? await this.d.store.people.findById(id.slice(5)) : undefined;
      return { id, name: user ? userActor(user).name : id };
    }));
  }

  /** The oldest unread open thread assigned to this actor (null: none). */
  async next(actor: Actor): Promise<ThreadSummary | null> {
    const t = await this.d.store.inbox.next(actor.id);
    return t ? this.summary(t, actor) : null;
  }
}

/** Why the reply box is closed for this contact (null: open). */
export function replyBlocked(status: string, optedOutAt: string | null): string | null {
  if (status !== 'opted_out') return null;
  const when = optedOutAt ? ` on ${optedOutAt.slice(0, 10)}` : '';
  return `This number opted out${when} (STOP). Nothing can be sent to it unless the person texts START or joins again.`;
}
