/**
 * Signals between gateway processes on one PostgreSQL database, over LISTEN/NOTIFY.
 *
 * Listening takes one dedicated connection per process (a pooled one would be handed to other
 * work); if it is lost (server restart, failover) it is made again with a growing pause, and
 * every handler is then run with `null`: signals sent meanwhile are gone, so the receiver catches
 * up (the registry reloads; live screens recompute). Publishing is coalesced: a payload published
 * again before the next flush (every `flushMs`) goes out once, all of a flush in one statement on
 * the pool. Why not NOTIFY inside each webhook's transaction: PostgreSQL serialises the commits
 * of every transaction that notifies (a cluster-wide lock on the notification queue), which would
 * put 2,000 commits a second in single file; a few coalesced NOTIFYs a second cost nothing.
 *
 * Channels are per schema (several campaigns or test runs may share a database): the name ends
 * in a hash of current_schema(), computed by the server on both sides (cross-process.ts: channelSql).
 * A process ignores its own signals (it acted on them already): each carries the sender's token.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { ProcessSignals, SignalChannel } from '../cross-process';


const CHANNELS: readonly SignalChannel[] = ['live', 'campaigns'];

export interface PgSignalsOptions {
  flushMs?: number;
  /** Longest pause between attempts to listen again. */
  maxRetryMs?: number;
}

export class PgSignals implements ProcessSignals {
  readonly token = randomBytes(6).toString('hex');
  private readonly handlers = new Map<SignalChannel, ((payload: string | null) => void)[]>();
  private readonly pending = new Map<SignalChannel, Set<string>>();
  private readonly names = new Map<string, SignalChannel>();
  private client: pg.Client | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = 100;
  private running = false;
  private logger: Logger | null = null;
  private readonly flushMs: number;
  private readonly maxRetryMs: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly clientConfig: pg.ClientConfig,
    options: PgSignalsOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 50;
    this.maxRetryMs = options.maxRetryMs ?? 5_000;
  }

  on(channel: SignalChannel, handler: (payload: string | null) => void): void {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
  }

  publish(channel: SignalChannel, payload: string): void {
    if (!this.running) return;
    let set = this.pending.get(channel);
    if (!set) {
      set = new Set();
      this.pending.set(channel, set);
    }
    set.add(payload);
    this.flushTimer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Starts listening (and publishing). Resolves once the first LISTEN is in place or has failed (then retried). */
  start(logger: Logger): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    this.logger = logger;
    return this.listen(false);
  }

  /** True while the LISTEN connection is up (tests wait for it before publishing). */
  get listening(): boolean {
    return this.client !== null;
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.retryTimer = this.flushTimer = null;
    this.pending.clear();
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  private async flush(): Promise<void> {
    this.flushTimer = null;
    const channels: string[] = [];
    const payloads: string[] = [];
    for (const [channel, set] of this.pending) {
      for (const p of set) {
        channels.push(channel);
        payloads.push(`${this.token} ${p}`);
      }
    }
    this.pending.clear();
    if (channels.length === 0 || !this.running) return;
    try {
      await this.pool.query({
        name: 'rt_signals_notify',
        text: `SELECT pg_notify('rallytext_' || c || '_' || left(md5(current_schema()), 12), p) FROM unnest($1::text[], $2::text[]) AS t(c, p)`,
        values: [channels, payloads],
      });
    } catch (err) {
      // The database is away: the other processes' screens catch up on their own refresh.
      this.logger?.warn({ err: (err as Error).message }, 'could not signal the other gateway processes');
    }
  }

  private async listen(again: boolean): Promise<void> {
    const client = new pg.Client(this.clientConfig);
    client.on('error', () => undefined); // followed by 'end', handled below
    try {
      await client.connect();
      const { rows } = await client.query<{ h: string }>('SELECT left(md5(current_schema()), 12) AS h');
      this.names.clear();
      for (const ch of CHANNELS) {
        const name = `rallytext_${ch}_${rows[0]!.h}`;
        this.names.set(name, ch);
        await client.query(`LISTEN ${name}`);
      }
    } catch (err) {
      await client.end().catch(() => undefined);
      if (!this.running) return;
      this.logger?.warn({ err: (err as Error).message, retryInMs: this.retryMs }, 'cannot listen for the other gateway processes yet');
      this.retryLater();
      return;
    }
    if (!this.running) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = 100;
    client.on('notification', (n) => this.deliver(n));
    client.once('end', () => {
      if (this.client !== client) return;
      this.client = null;
      if (!this.running) return;
      this.logger?.warn('lost the connection that listens for the other gateway processes; listening again');
      this.retryLater();
    });
    if (again) this.catchUp();
  }

  /** Tries again after a growing pause; a later success catches up (signals may have been missed). */
  private retryLater(): void {
    const wait = this.retryMs;
    this.retryMs = Math.min(this.maxRetryMs, this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.listen(true);
    }, wait);
    this.retryTimer.unref();
  }

  private deliver(n: pg.Notification): void {
    const channel = this.names.get(n.channel);
    if (!channel || n.payload === undefined) return;
    const space = n.payload.indexOf(' ');
    // Own signals were acted on already; the campaigns bump (sent by SQL) carries no token.
    if (space > 0 && n.payload.slice(0, space) === this.token) return;
    const payload = space > 0 ? n.payload.slice(space + 1) : n.payload;
    this.run(channel, payload);
  }

  private catchUp(): void {
    for (const ch of CHANNELS) this.run(ch, null);
  }

  private run(channel: SignalChannel, payload: string | null): void {
    for (const h of this.handlers.get(channel) ?? []) {
      try {
        h(payload);
      } catch (err) {
        this.logger?.error({ err: (err as Error).message, channel }, 'a cross-process signal handler failed');
      }
    }
  }
}
