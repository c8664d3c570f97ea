/**
 * `npm run bench:rally -- --poll`: the live poll under rally-night load. After the JOIN burst the
 * organizer opens a poll (through the real API) and every phone votes 1, 2 or 3 (a number is not a
 * valid first name, so it is a vote while the name question waits, as the router's precedence
 * says); a live screen listens on the same SSE hub throughout. Reports the votes' throughput and
 * p99 next to the JOIN figures, and the screen's update delay: how often it was updated under
 * load and how long after the last vote was answered it showed the final total.
 */
import http from 'node:http';
import BetterSqlite3 from 'better-sqlite3';
import { signedWebhook, type Phone, type Signer, type Webhook } from './crowd';

export const OPTIONS = [{ label: 'Health', words: ['1'] }, { label: 'Jobs', words: ['2'] }, { label: 'Climate', words: ['3'] }];

/** Each phone's vote (spread over the three options by its index). */
export function votes(s: Signer, phones: Phone[]): Webhook[] {
  return phones.map((p, i) => {
    const option = i % 5 === 0 ? 0 : i % 5 < 3 ? 1 : 2;
    return signedWebhook(s, p.from, String(option + 1), `Counted: ${OPTIONS[option]!.label}`);
  });
}

async function api(port: number, token: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Creates and opens the poll through the API; gives the campaign a display link (as the console would). */
export async function openPoll(port: number, adminToken: string, dbFile: string): Promise<{ pollId: string; displayToken: string }> {
  const campaigns = (await api(port, adminToken, 'GET', '/api/campaigns')).campaigns as { id: string }[];
  const campaignId = campaigns[0]!.id;
  const { id } = (await api(port, adminToken, 'POST', '/api/polls', { campaignId, question: 'What should we fight for first?', options: OPTIONS })) as { id: string };
  await api(port, adminToken, 'POST', `/api/polls/${id}/open`);
  const displayToken = `bench-display-${Date.now().toString(36)}-0123456789`;
  const db = new BetterSqlite3(dbFile);
  const at = new Date().toISOString();
  db.prepare('INSERT INTO live_displays (campaign_id, token, counting_from, created_at, updated_at) VALUES (?, ?, NULL, ?, ?) ON CONFLICT (campaign_id) DO UPDATE SET token = excluded.token').run(campaignId, displayToken, at, at);
  db.close();
  return { pollId: id, displayToken };
}

export async function pollTotal(port: number, adminToken: string, pollId: string): Promise<number> {
  return (await api(port, adminToken, 'GET', `/api/polls/${pollId}`)).total as number;
}

/** A live screen on the event stream: when each poll total arrived. */
export class ScreenWatch {
  readonly updates: { at: number; total: number }[] = [];
  private req: http.ClientRequest | null = null;

  open(port: number, token: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.req = http.get({ host: '127.0.0.1', port, path: `/live/${token}/events` }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`live stream answered ${res.statusCode}`));
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let cut: number;
          while ((cut = buf.indexOf('\n\n')) !== -1) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (!data) continue;
            const s = JSON.parse(data) as { poll?: { total: number } };
            if (s.poll) this.updates.push({ at: performance.now(), total: s.poll.total });
          }
        });
        resolve();
      });
      this.req.on('error', reject);
    });
  }

  async waitForTotal(total: number, timeoutMs = 30_000): Promise<number | null> {
    const until = performance.now() + timeoutMs;
    while (performance.now() < until) {
      const hit = this.updates.find((u) => u.total >= total);
      if (hit) return hit.at;
      await new Promise((r) => setTimeout(r, 5));
    }
    return null;
  }

  close(): void {
    this.req?.destroy();
  }
}

export interface ScreenDelay {
  updates: number;
  medianGapMs: number;
  maxGapMs: number;
  /** From the last vote answered to the screen showing the final total. */
  finalDelayMs: number | null;
}

export function screenDelay(updates: { at: number; total: number }[], from: number, lastAnswer: number, finalAt: number | null): ScreenDelay {
  const during = updates.filter((u) => u.at >= from).map((u) => u.at);
  const gaps = during.slice(1).map((t, i) => t - during[i]!).sort((a, b) => a - b);
  return {
    updates: during.length,
    medianGapMs: gaps.length ? gaps[Math.floor(gaps.length / 2)]! : NaN,
    maxGapMs: gaps.length ? gaps[gaps.length - 1]! : NaN,
    finalDelayMs: finalAt === null ? null : Math.max(0, finalAt - lastAnswer),
  };
}
