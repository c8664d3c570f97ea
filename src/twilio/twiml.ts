/**
 * TwiML messaging responses. Written by hand on the hot path (the output is byte-identical to
 * twilio.twiml.MessagingResponse, which a test checks) because the builder costs more than the
 * rest of the response.
 */
import { xmlSafeText } from '../core/text';

const XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>';

/**
 * Text-node escaping as xmlbuilder does it: & < > and carriage return. Characters XML cannot carry
 * at all (most C0 controls, U+FFFE/U+FFFF, lone surrogates) are dropped first: xmlbuilder would
 * throw on them, and Twilio would fail to parse the reply (src/core/text.ts).
 */
function escapeXml(text: string): string {
  return xmlSafeText(text).replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;'));
}

export const EMPTY_TWIML = `${XML_HEADER}<Response/>`;

export function messagingTwiml(bodies: readonly string[]): string {
  if (bodies.length === 0) return EMPTY_TWIML;
  return `${XML_HEADER}<Response>${bodies.map((b) => `<Message>${escapeXml(b)}</Message>`).join('')}</Response>`;
}
