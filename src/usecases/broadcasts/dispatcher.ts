/**
 * The dispatcher: sends everything the outbox has for the REST API, replies first, then bulk.
 *
 * One pass = housekeeping (recover work a dead dispatcher left in flight, start scheduled
 * broadcasts that are due, snapshot audiences, look up unknown outcomes, work out which time zones
 * are inside quiet hours, mark finished broadcasts done), then a pump that, for each text, waits
 * for the rate limiter (segments), claims the work in one transaction that also re-runs the opt-out
 * gate, and starts the request at once, with up to `concurrency` requests in flight. Pause and
 * cancel take effect at the next claim. Housekeeping repeats every `housekeepingMs` during a long
 * pump so quiet hours and new work are noticed.
 *
 * Runs inside the gateway (`start`/`stop`), alone (src/dispatch-main.ts), or pass by pass in
 * tests (`runUntilIdle`), where time is injected: a ManualClock for the calendar and a virtual
 * timer for the rate limiter, so nothing waits for real time.
 */
import type { Logger } from 'pino';
import type { Audience } from '../../core/audience';
import { composeBody } from '../../core/broadcast-template';
import { parseTemplates } from '../../core/broadcast-languages';
import type { Clock, IdGenerator } from '../../core/clock';
import { allZones, openZones, type SendWindow } from '../../core/quiet-hours';
import { segmentCount } from '../../core/segments';
import { addMs, type SendOutcome, type UnknownWork, type WorkItem } from '../../core/sending';
import { renderTemplate } from '../../core/template';
import { AppError } from '../../shared/errors';
import type { Broadcast } from '../../store/broadcasts/repository';
import type { BroadcastPlan } from '../../store/outbox/repository';
import type { Store } from '../../store/store';
import { resolveAudience, snapshotAudience } from './audience';
import { newOwnerId, ownerIsGone } from './lease';
import { realTimer, SegmentRateLimiter, type Timer } from './rate-limiter';
import type { TextSender } from './text-sender';
import { runDueSequences } from '../sequences/scheduler';

interface PendingResult {
  item: WorkItem;
  outcome: SendOutcome;
  done: () => void;
}

export interface DispatcherDeps {
  store: Store;
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
  sender: TextSender;
  quietHours: SendWindow | null;
  footerText: string;
  /** Send rate cap in segments per second; null: no cap. */
  rateMps: number | null;
  timer?: Timer;
  owner?: string;
  /** Requests in flight at once. */
  concurrency?: number;
  /** How long a claimed text is ours; must exceed the request timeout by a wide margin. */
  leaseMs?: number;
  housekeepingMs?: number;
  /** Background loop: wait this long when there is nothing to send (a wake() cuts it short). */
  idleMs?: number;
  ownerGone?: (owner: string) => boolean;
  /** Twilio request timeout, to size the lease. */
  requestTimeoutMs?: number;
  /** Where tracked links in sequence messages and broadcasts' {{donation_link}} point (PUBLIC_BASE_URL). */
  linkBase?: string;
}

export interface PassReport {
  sent: number;
  refused: number;
  started: number;
  snapshots: number;
  recovered: number;
  reconciled: number;
  finished: number;
  /** Sequence messages handed to the outbox (or skipped) by the scheduler. */
  sequenced: number;
  outcomes: Partial<Record<SendOutcome['kind'], number>>;
}

function emptyReport(): PassReport {
  return { sent: 0, refused: 0, started: 0, snapshots: 0, recovered: 0, reconciled: 0, finished: 0, sequenced: 0, outcomes: {} };
}

function busy(r: PassReport): boolean {
  return r.sent + r.refused + r.started + r.snapshots + r.recovered + r.reconciled + r.finished + r.sequenced > 0;
}

export function defaultConcurrency(rateMps: number | null): number {
  return rateMps === null ? 64 : Math.min(128, Math.max(4, Math.ceil(rateMps / 5)));
}

export class Dispatcher {
  readonly owner: string;
  private readonly d: DispatcherDeps;
  private readonly timer: Timer;
  private readonly limiter: SegmentRateLimiter;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly housekeepingMs: number;
  private readonly gone: (owner: string) => boolean;
  private readonly inflight = new Set<Promise<void>>();
  private readonly results: PendingResult[] = [];
  private flushing: NodeJS.Immediate | null = null;
  private plans: BroadcastPlan[] = [];
  private readonly planCache = new Map<string, BroadcastPlan>();
  private readonly estimates = new Map<string, number>();
  private readonly blocked = new Set<string>();
  private zones: string[] | null = null;
  /** The open-zone list holds until the next minute boundary (windows are whole minutes). */
  private zonesUntil = -Infinity;
  private lastHousekeeping = -Infinity;
  private stopping = false;
  private loopDone: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;

  constructor(deps: DispatcherDeps) {
    this.d = deps;
    this.owner = deps.owner ?? newOwnerId();
    this.timer = deps.timer ?? realTimer;
    this.limiter = new SegmentRateLimiter(deps.rateMps, this.timer);
    this.concurrency = deps.concurrency ?? defaultConcurrency(deps.rateMps);
    this.housekeepingMs = deps.housekeepingMs ?? 1_000;
    this.gone = deps.ownerGone ?? ((o) => ownerIsGone(o));
    this.leaseMs = deps.leaseMs ?? Math.max(60_000, 4 * (deps.requestTimeoutMs ?? 15_000));
  }

  private now(): string {
    return this.d.clock.now().toISOString();
  }

  private get outbox() {
    return this.d.store.outbox;
  }

  private get broadcasts() {
    return this.d.store.broadcasts;
  }

  private lease(now: string) {
    return { owner: this.owner, until: addMs(now, this.leaseMs) };
  }

  /** Run in the background until stop(). Recovery of a crashed predecessor happens on the first pass. */
  start(): void {
    if (this.loopDone) return;
    this.stopping = false;
    this.loopDone = this.loop();
  }

  /** Stop claiming, let in-flight requests finish and record their results. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loopDone;
    this.loopDone = null;
  }

  /** Something became sendable (a broadcast was started or resumed): don't wait for the idle timer. */
  wake(): void {
    this.lastHousekeeping = -Infinity;
    this.wakeUp?.();
  }

  /** Tests and tools: run passes until one finds nothing to do. */
  async runUntilIdle(maxPasses = 1000): Promise<PassReport> {
    const total = emptyReport();
    for (let i = 0; i < maxPasses; i++) {
      const r = await this.pass();
      for (const k of ['sent', 'refused', 'started', 'snapshots', 'recovered', 'reconciled', 'finished', 'sequenced'] as const) total[k] += r[k];
      for (const [k, v] of Object.entries(r.outcomes)) total.outcomes[k as SendOutcome['kind']] = (total.outcomes[k as SendOutcome['kind']] ?? 0) + v;
      if (!busy(r)) return total;
    }
    throw new Error(`dispatcher still busy after ${maxPasses} passes`);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.pass();
      } catch (err) {
        this.d.logger.error({ err: (err as Error).message }, 'dispatcher pass failed; retrying shortly');
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, this.d.idleMs ?? 1_000);
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.wakeUp = done;
      });
      this.wakeUp = null;
    }
  }

  async pass(): Promise<PassReport> {
    const report = emptyReport();
    await this.housekeeping(report);
    try {
      while (!this.stopping) {
        if (this.timer.now() - this.lastHousekeeping >= this.housekeepingMs) await this.housekeeping(report);
        // Claim in batches: wait until a quarter of the request slots are free (fewer commits).
        const slack = Math.max(1, Math.floor(this.concurrency / 4));
        while (this.inflight.size > this.concurrency - slack) await Promise.race(this.inflight);
        if (!(await this.sendNext(report))) break;
      }
    } finally {
      while (this.inflight.size > 0) await Promise.race(this.inflight);
    }
    await this.finishDone(report);
    return report;
  }

  /** Claim and launch the next texts (replies first). False when there is nothing to send now. */
  private async sendNext(report: PassReport): Promise<boolean> {
    const reply = await this.outbox.nextReply(this.now());
    if (reply) {
      await this.limiter.take(reply.segments);
      const now = this.now();
      const item = await this.outbox.claimReply(reply.id, this.lease(now), now);
      if (!item) {
        this.limiter.charge(-reply.segments);
        report.refused += 1;
        return true;
      }
      this.launch(item, report);
      return true;
    }
    const plan = this.plans.find((p) => !this.blocked.has(p.id));
    if (!plan) return false;
    const estimate = this.estimates.get(plan.id) ?? 1;
    const want = Math.min(Math.max(1, this.concurrency - this.inflight.size), this.maxBatch(estimate));
    await this.limiter.take(want * estimate);
    // A reply that arrived while we waited for the rate limiter still goes first.
    if (this.d.rateMps !== null && (await this.outbox.nextReply(this.now()))) {
      this.limiter.charge(-want * estimate);
      return true;
    }
    const now = this.now();
    const batch = await this.outbox.claimBulk(plan, this.openZonesNow(), want, this.lease(now), this.d.newId, now);
    const segments = batch.items.reduce((sum, i) => sum + i.segments, 0);
    this.limiter.charge(segments - want * estimate);
    report.refused += batch.refused;
    if (batch.stopped) this.plans = this.plans.filter((p) => p.id !== plan.id);
    else if (batch.exhausted) this.blocked.add(plan.id);
    if (batch.items.length > 0) this.estimates.set(plan.id, batch.items[batch.items.length - 1]!.segments);
    // Every request starts now, in this tick, right after the claim's gate check committed.
    for (const item of batch.items) this.launch(item, report);
    return true;
  }

  /** How many bulk texts to claim at once: what the rate allows in one burst, at most 32. */
  private maxBatch(segmentsEach: number): number {
    if (this.d.rateMps === null) return 32;
    return Math.max(1, Math.min(32, Math.floor((this.d.rateMps * 0.1) / Math.max(1, segmentsEach))));
  }

  private launch(item: WorkItem, report: PassReport): void {
    const sending = this.d.sender.send(item.text).catch((err: unknown): SendOutcome => ({
      kind: 'unknown', code: null, httpStatus: null, message: (err as Error).message,
    }));
    const p = sending.then((outcome) => {
      report.sent += 1;
      report.outcomes[outcome.kind] = (report.outcomes[outcome.kind] ?? 0) + 1;
      if (outcome.kind !== 'ok') {
        this.d.logger.warn({ kind: item.kind, broadcastId: item.broadcastId, outcome }, 'send did not succeed');
      }
      return this.recordLater(item, outcome);
    });
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  /**
   * Results are written in one transaction per event-loop turn (many per commit at high rates).
   * A crash before the write leaves the rows leased: they are reconciled, never resent blindly.
   */
  private recordLater(item: WorkItem, outcome: SendOutcome): Promise<void> {
    return new Promise((done) => {
      this.results.push({ item, outcome, done });
      this.flushing ??= setImmediate(() => this.flushResults());
    });
  }

  private flushResults(): void {
    this.flushing = null;
    const batch = this.results.splice(0);
    void this.outbox
      .recordResults(batch, this.d.newId, this.now())
      .catch((err: unknown) => batch.map(() => ({ ok: false as const, error: (err as Error).message })))
      .then(async (recorded) => {
        for (const [i, r] of batch.entries()) {
          const result = recorded[i]!;
          try {
            if (!result.ok) {
              this.d.logger.error({ err: result.error, outboundId: r.item.outboundId }, 'could not record a send result; it will be reconciled');
            } else {
              if (result.effect.penalizeMs) this.limiter.penalize(result.effect.penalizeMs);
              if (result.effect.pauseBroadcast && r.item.broadcastId) await this.pauseBroadcast(r.item.broadcastId, result.effect.pauseBroadcast);
            }
          } catch (err) {
            this.d.logger.error({ err: (err as Error).message, broadcastId: r.item.broadcastId }, 'could not act on a send result');
          } finally {
            r.done();
          }
        }
      });
  }

  private async pauseBroadcast(id: string, reason: string): Promise<void> {
    try {
      await this.broadcasts.transition(id, ['sending'], 'paused', { last_error: reason }, this.now());
      this.d.logger.error({ broadcastId: id, reason }, 'broadcast paused by the dispatcher');
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
    }
    this.plans = this.plans.filter((p) => p.id !== id);
  }

  private async housekeeping(report: PassReport): Promise<void> {
    this.lastHousekeeping = this.timer.now();
    report.recovered += await this.outbox.recoverOrphans(this.owner, this.gone, this.now());
    for (const b of await this.broadcasts.dueScheduled(this.now())) {
      try {
        await this.broadcasts.transition(b.id, ['scheduled'], 'sending', { started_at: this.now() }, this.now());
        report.started += 1;
        this.d.logger.info({ broadcastId: b.id, name: b.name }, 'scheduled broadcast started');
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
      }
    }
    for (const b of await this.broadcasts.withStatus('sending')) if (b.snapshot_at === null) report.snapshots += await this.snapshot(b);
    // Follow-up sequences: due rows become outbox rows, sent below in the reply lane under the same rate limit.
    const due = await runDueSequences(this.d.store, {
      now: this.d.clock.now(), window: this.d.quietHours, footer: this.d.footerText, linkBase: this.d.linkBase ?? '', newId: this.d.newId,
    });
    report.sequenced += due.queued + due.skipped;
    report.reconciled += await this.reconcile();
    this.plans = await Promise.all((await this.broadcasts.withStatus('sending')).map((b) => this.plan(b)));
    this.blocked.clear();
    this.zonesUntil = -Infinity;
    await this.finishDone(report);
  }

  /** Zones inside the sending window now (null: no quiet hours), exact to the minute. */
  private openZonesNow(): string[] | null {
    if (!this.d.quietHours) return null;
    const now = this.d.clock.now().getTime();
    if (now >= this.zonesUntil || now < this.zonesUntil - 60_000) {
      this.zones = [...openZones(this.d.quietHours, allZones(), new Date(now))];
      this.zonesUntil = Math.floor(now / 60_000) * 60_000 + 60_000;
    }
    return this.zones;
  }

  private async plan(b: Broadcast): Promise<BroadcastPlan> {
    let p = this.planCache.get(b.id);
    if (!p) {
      const audience = JSON.parse(b.audience) as Audience;
      p = {
        id: b.id, template: b.template, templates: parseTemplates(b.templates), footer: b.footer === 1 ? this.d.footerText : null,
        campaigns: await this.broadcasts.campaignInfo(audience.campaigns), linkBase: this.d.linkBase,
      };
      this.planCache.set(b.id, p);
      this.estimates.set(b.id, segmentCount(composeBody(renderTemplate(b.template, {}), p.footer)));
    }
    return p;
  }

  /** Copy the audience into the recipients list (idempotent; resumes after a crash). */
  private async snapshot(b: Broadcast): Promise<number> {
    const resolved = await resolveAudience(this.d.store, JSON.parse(b.audience) as Audience);
    if (!resolved.ok) {
      await this.pauseBroadcast(b.id, `audience no longer valid: ${resolved.problems.map((p) => p.message).join('; ')}`);
      return 1;
    }
    const n = await snapshotAudience(this.d.store, b.id, resolved.value, () => this.now());
    await this.broadcasts.markSnapshotted(b.id, n, this.now());
    this.d.logger.info({ broadcastId: b.id, recipients: n }, 'broadcast audience snapshotted');
    return 1;
  }

  /** Look up texts whose outcome is unknown; adopt what the provider has, resend what it provably does not. */
  private async reconcile(): Promise<number> {
    const due: UnknownWork[] = await this.outbox.dueUnknown(this.now(), 25);
    const known = (sid: string) => this.outbox.isKnownSid(sid);
    for (const u of due) {
      const lookup = await this.d.sender.lookup(u.text, u.since, known);
      const result = await this.outbox.resolveUnknown(u, lookup, this.d.newId, this.now());
      const level = result === 'gave_up' ? 'error' : 'info';
      this.d.logger[level]({ kind: u.kind, broadcastId: u.broadcastId, outboundId: u.outboundId, lookup: lookup.kind, result }, 'reconciled a send with an unknown outcome');
    }
    return due.length;
  }

  private async finishDone(report: PassReport): Promise<void> {
    for (const b of await this.broadcasts.withStatus('sending')) {
      if (b.snapshot_at === null) continue;
      if (await this.broadcasts.hasWorkLeft(b.id)) continue;
      try {
        await this.broadcasts.transition(b.id, ['sending'], 'done', { finished_at: this.now() }, this.now());
        report.finished += 1;
        this.planCache.delete(b.id);
        this.d.logger.info({ broadcastId: b.id, name: b.name }, 'broadcast done');
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
      }
    }
  }
}
