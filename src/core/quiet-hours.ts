/**
 * Quiet hours: broadcast texts go out only inside the sending window (QUIET_HOURS, default
 * 08:00-21:00) in the recipient's local time. The zone comes from the ZIP when known, else from
 * the phone's area code; a recipient we cannot place gets the strictest window (open only when it
 * is inside the window in every contiguous-US zone). Texts outside the window wait; they are never
 * dropped. Pure: the caller passes the instant.
 */
import { CONTIGUOUS_US_ZONES, KNOWN_ZONES, zoneForPhone, zoneForZip } from './time-zones';

export interface SendWindow {
  /** "HH:MM", inclusive. */
  start: string;
  /** "HH:MM", exclusive. */
  end: string;
}

/** '' means "unknown location". */
export function zoneForContact(c: { zip: string | null; phone: string }): string {
  return zoneForZip(c.zip) ?? zoneForPhone(c.phone) ?? '';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(zone, f);
  }
  return f;
}

/** Minutes since local midnight in a zone. */
export function localMinutes(zone: string, at: Date): number {
  let h = 0;
  let m = 0;
  for (const p of formatter(zone).formatToParts(at)) {
    if (p.type === 'hour') h = Number(p.value);
    else if (p.type === 'minute') m = Number(p.value);
  }
  return (h % 24) * 60 + m;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

function inside(window: SendWindow, local: number): boolean {
  const s = minutes(window.start);
  const e = minutes(window.end);
  // A window that wraps midnight (e.g. 22:00-02:00) is open late and early.
  return s <= e ? local >= s && local < e : local >= s || local < e;
}

/** May a broadcast text reach someone in this zone now? No window (QUIET_HOURS=off) → always. */
export function isOpen(window: SendWindow | null, zone: string, at: Date): boolean {
  if (!window) return true;
  if (zone === '') return CONTIGUOUS_US_ZONES.every((z) => inside(window, localMinutes(z, at)));
  return inside(window, localMinutes(zone, at));
}

/** The zones among `zones` (plus '' for unknown) that are open now. */
export function openZones(window: SendWindow | null, zones: Iterable<string>, at: Date): Set<string> {
  const open = new Set<string>();
  for (const z of zones) if (isOpen(window, z, at)) open.add(z);
  return open;
}

/** Every zone a recipient row can carry, including '' (unknown). */
export function allZones(): string[] {
  return ['', ...KNOWN_ZONES];
}
