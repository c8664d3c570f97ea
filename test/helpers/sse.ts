/** Reads a server-sent event stream over real HTTP, keeping the raw text for PII checks. */
export interface SseEvent {
  event: string;
  data: string;
}

export class SseClient {
  raw = '';
  events: SseEvent[] = [];
  closed = false;
  private buffer = '';
  private waiters: (() => void)[] = [];
  private readonly abort = new AbortController();

  static async open(url: string, headers: Record<string, string> = {}): Promise<{ client: SseClient; status: number; retryAfter: string | null }> {
    const c = new SseClient();
    const res = await fetch(url, { signal: c.abort.signal, headers: { Accept: 'text/event-stream', ...headers } });
    if (res.ok && res.body) void c.pump(res.body);
    else {
      c.closed = true;
      await res.body?.cancel();
    }
    return { client: c, status: res.status, retryAfter: res.headers.get('retry-after') };
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        this.raw += text;
        this.buffer += text;
        let i: number;
        while ((i = this.buffer.indexOf('\n\n')) >= 0) {
          const block = this.buffer.slice(0, i);
          this.buffer = this.buffer.slice(i + 2);
          const lines = block.split('\n');
          const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
          const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (event) this.events.push({ event, data });
        }
        this.wake();
      }
    } catch {
      /* aborted */
    }
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** Resolves with the first `event` (from `from` on) matching; rejects after timeoutMs. */
  async waitFor<T = Record<string, unknown>>(match: (data: T) => boolean, timeoutMs = 5000, from = 0, event = 'stats'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const e of this.events.slice(from)) {
        if (e.event !== event) continue;
        const d = JSON.parse(e.data) as T;
        if (match(d)) return d;
      }
      if (this.closed) throw new Error(`stream closed before a matching event; got ${this.raw}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; got ${this.raw}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('stream did not close');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.abort.abort();
  }
}
