/**
 * The built-in Spanish system texts (issue 16), reviewed against CTIA's Messaging Principles and
 * Best Practices and the Short Code Monitoring Handbook: the opt-in confirmation names the
 * program, the message frequency, "Msg & data rates may apply" (Pueden aplicarse tarifas de
 * mensajes y datos) and how to get help and to cancel; the HELP reply names the program, where to
 * get help, the frequency, the rates and how to cancel; the STOP confirmation names the program,
 * says no more messages will be sent and carries nothing else. STOP is named in every text
 * (carriers' universal word; ALTO works too), AYUDA as the help word.
 * Worded to stay in GSM-7 where Spanish allows (no á/í/ó/ú: "Manda" not "Envía"), so each
 * fits in one segment as often as the English does. One key per text in en.ts, same merge fields.
 */
import type { TextKey } from './en';

export const ES: Record<TextKey, string> = {
  optIn: '{{program}}: ¡Gracias por unirte! {{frequency}}. Pueden aplicarse tarifas de mensajes y datos. Responde AYUDA para ayuda, STOP para cancelar.',
  start: '{{program}}: ¡Gracias por unirte! {{frequency}}. Pueden aplicarse tarifas de mensajes y datos. Responde AYUDA para ayuda, STOP para cancelar.',
  help: '{{program}}: Ayuda en {{support}}. {{frequency}}. Pueden aplicarse tarifas de mensajes y datos. Responde STOP para cancelar.',
  stop: '{{program}}: Te diste de baja y ya no te enviaremos mensajes. Responde START para suscribirte de nuevo.',
  defaultReply: '{{program}}: Manda {{keyword}} al {{sender}} para unirte. Responde AYUDA para ayuda, STOP para cancelar.',
  autoReply: '{{program}}: ¡Gracias por tu mensaje! Una persona de nuestro equipo va a leerlo y responderte. Responde AYUDA para ayuda, STOP para cancelar.',
  switched: '{{program}}: Listo, te escribiremos en español.',
  page: '{{program}}: Tu enlace: {{page_link}} Comparte el enlace con tus amigos. Responde GOAL 10 para fijar una meta.',
  goalSet: '{{program}}: Tu meta es {{goal}} amigos. Para verla subir, responde PAGE.',
  goalHow: '{{program}}: Responde GOAL y una cifra de amigos de 1 a 1000, por ejemplo GOAL 10.',
  shown: '{{program}}: ¡Gracias! Tu nombre e inicial del apellido pueden aparecer en la tabla de la marcha. Responde ALTO para cancelar.',
  showQuestion: '{{program}}: ¿Quieres tu nombre en la tabla de reclutadores de esta noche? Responde SHOW.',
  friendJoined: '{{program}}: ¡Tu amigo se ha unido! Ya van {{count}}. Responde ALTO para cancelar.',
};

/**
 * The campaign's frequency ("Up to 6 msgs/mo", "Recurring msgs") in Spanish, or null when it is
 * not one of the usual forms: the campaign must then give `texts.es.frequency` itself.
 */
export function frequencyEs(frequency: string): string | null {
  const f = frequency.trim().replace(/\.$/, '');
  const upTo = /^up to (\d{1,4}) (?:msgs?|messages?|texts?|txts?)\s*(?:\/|per |a |each )\s*(mo|mth|month|wk|week|day|d)$/i.exec(f);
  if (upTo) {
    const per = upTo[2]!.toLowerCase();
    const n = upTo[1]!;
    if (per.startsWith('m')) return `Hasta ${n} mensajes al mes`;
    if (per.startsWith('w')) return `Hasta ${n} mensajes por semana`;
    return `Hasta ${n} mensajes diarios`;
  }
  if (/^recurring (?:msgs|messages|texts)$/i.test(f)) return 'Mensajes recurrentes';
  return null;
}
