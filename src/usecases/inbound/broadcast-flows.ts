/**
 * Parsed flows of broadcasts that ask, by broadcast id, so a busy evening of answers parses each
 * broadcast's flow once, not once per text. A broadcast's flow cannot change once it has opened
 * conversations (only drafts and scheduled broadcasts are editable), so an entry never goes stale.
 */
import { broadcastFlowSchema } from '../../core/broadcast-flow';
import type { Flow } from '../../core/flow';

const LIMIT = 256;

export class BroadcastFlows {
  private readonly parsed = new Map<string, Flow | null>();

  /** `schema`: how the stored flow is read (a sequence step's flow takes the sequence's merge fields in its first prompt). */
  constructor(private readonly schema: { safeParse(v: unknown): { success: true; data: Flow } | { success: false } } = broadcastFlowSchema) {}

  /** The flow stored for `broadcastId` (its JSON), or null when it no longer parses. */
  get(broadcastId: string, json: string): Flow | null {
    const hit = this.parsed.get(broadcastId);
    if (hit !== undefined) return hit;
    let flow: Flow | null = null;
    try {
      const r = this.schema.safeParse(JSON.parse(json));
      flow = r.success ? r.data : null;
    } catch {
      flow = null;
    }
    if (this.parsed.size >= LIMIT) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(broadcastId, flow);
    return flow;
  }
}
