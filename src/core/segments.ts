/**
 * SMS segment math (3GPP TS 23.038).
 * GSM-7: 160 septets in one segment, 153 per part when concatenated; the extension
 * characters ^{}\[~]|€ and form feed take two septets. Any other character forces UCS-2:
 * 70 UTF-16 code units in one segment, 67 per part (an emoji outside the BMP takes two).
 */

export type Encoding = 'GSM-7' | 'UCS-2';

export interface SegmentInfo {
  encoding: Encoding;
  /** Characters as a person counts them (code points). */
  characters: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) used. */
  units: number;
  segments: number;
  /** Units per segment for this message (160/153 or 70/67). */
  perSegment: number;
  /** Units left in the last segment before another one is needed. */
  remaining: number;
}

/**
 * Builds the counter. Deliberately self-contained (it refers to nothing outside its own body),
 * so the organizer console ships this very function to the browser (`segmentCounterSource`)
 * and the live counter on every message box is the server's arithmetic, not a copy of it.
 */
export function createSegmentCounter(): (body: string) => SegmentInfo {
  const GSM_BASIC =
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
  const GSM_EXTENDED = '\f^{}\\[~]|€';
  const BASIC = new Set(Array.from(GSM_BASIC));
  const EXTENDED = new Set(Array.from(GSM_EXTENDED));

  return function segmentInfo(body: string): SegmentInfo {
    let septets = 0;
    let gsm = true;
    for (const ch of body) {
      if (BASIC.has(ch)) septets += 1;
      else if (EXTENDED.has(ch)) septets += 2;
      else {
        gsm = false;
        break;
      }
    }
    const characters = Array.from(body).length;
    if (gsm) {
      const segments = septets === 0 ? 1 : septets <= 160 ? 1 : Math.ceil(septets / 153);
      const perSegment = segments === 1 ? 160 : 153;
      return { encoding: 'GSM-7', characters, units: septets, segments, perSegment, remaining: segments * perSegment - septets };
    }
    const units = body.length;
    const segments = units <= 70 ? 1 : Math.ceil(units / 67);
    const perSegment = segments === 1 ? 70 : 67;
    return { encoding: 'UCS-2', characters, units, segments, perSegment, remaining: segments * perSegment - units };
  };
}

export const segmentInfo: (body: string) => SegmentInfo = createSegmentCounter();

/**
 * Septets of each ASCII code unit in GSM-7 (1 basic, 2 extension, 0 not in GSM-7), from the same
 * alphabets as the counter above: every reply and every outbox row is counted, most of them plain
 * ASCII, and this reads each code unit once, with no Set, iterator or array of characters
 * (test/core/segments-template.test.ts checks it against segmentInfo).
 */
const ASCII_SEPTETS = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const info = segmentInfo(String.fromCharCode(c));
    table[c] = info.encoding === 'GSM-7' ? info.units : 0;
  }
  return table;
})();

export function segmentCount(body: string): number {
  let septets = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const n = c < 128 ? ASCII_SEPTETS[c]! : 0;
    if (n === 0) return segmentInfo(body).segments;
    septets += n;
  }
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}

/** Browser script defining `window.rallySegments(body)` from the same function (see above). */
export function segmentCounterSource(): string {
  return `"use strict";\nwindow.rallySegments = (${createSegmentCounter.toString()})();\n`;
}
