/**
 * Preview: what a broadcast would send, computed over the real audience: recipient count, three
 * rendered samples, encoding, segments per message and in total (each recipient's own text, so a
 * long name that tips a message into two segments is counted), and the time it takes at the
 * configured rate. Walks the audience in pages so a large list never blocks the gateway for long.
 */
import { segmentCount, segmentInfo, type Encoding } from '../../core/segments';
import { maskPhone } from '../../shared/logger';
import { stateOf, type Audience, type AudienceMember } from '../../core/audience';
import { isOpen, zoneForContact, type SendWindow } from '../../core/quiet-hours';
import { carriesDonationLink, composeBody, emptyTally, nonGsmCharacters, renderForRecipient, tallyBody, type NonGsmCharacter } from '../../core/broadcast-template';
import { linkPath } from '../../core/donations';
import { languageOfRecipient, type BroadcastTemplates } from '../../core/broadcast-languages';
import type { Lang } from '../../core/language';
import { renderTemplate } from '../../core/template';
import type { CampaignInfo } from '../../store/broadcasts/repository';
import type { Store } from '../../store/store';
import { forEachAudiencePage } from './audience';

export interface PreviewSample {
  contactId: string;
  phone: string;
  firstName: string | null;
  campaignId: string;
  body: string;
  encoding: Encoding;
  characters: number;
  segments: number;
}

export interface BroadcastPreview {
  recipients: number;
  samples: PreviewSample[];
  /** UCS-2 when any recipient's text needs it (70 characters per segment instead of 160). */
  encoding: Encoding;
  recipientsByEncoding: Record<Encoding, number>;
  segmentsPerMessage: { min: number; max: number };
  totalSegments: number;
  sendRateMps: number;
  /** Total segments at SEND_RATE_MPS, not counting waits for quiet hours. */
  estimatedSeconds: number;
  quietHours: string | null;
  /** Recipients who would wait for quiet hours if it started now. */
  waitingForQuietHoursNow: number;
  footer: string | null;
  nonGsmCharacters: NonGsmCharacter[];
  warnings: string[];
  /**
   * A broadcast in several languages (issue 16): per language, how many recipients get it and a
   * sample (the first such recipient's text, else the text with empty merge fields) with its
   * encoding and segments (Spanish is often UCS-2: shown here). Absent for one text for everyone.
   */
  languages?: LanguagePreview[];
}

export interface LanguagePreview {
  language: Lang;
  recipients: number;
  sample: string;
  encoding: Encoding;
  characters: number;
  segments: number;
  totalSegments: number;
}

export interface PreviewInput {
  template: string;
  /** The text per language; null or absent: `template` for everyone. */
  templates?: BroadcastTemplates | null;
  footer: string | null;
  audience: Audience;
}

/** The code a preview shows in a recipient's {{donation_link}}: as long as a real one (about 12 characters), made at send time. */
export const SAMPLE_LINK_CODE = 'samplelink00';

export function renderMember(template: string, footer: string | null, m: AudienceMember, c: CampaignInfo | undefined, linkBase?: string): string {
  return renderForRecipient(template, footer, {
    firstName: m.firstName, zip: m.zip, state: stateOf(m.zip, m.fromState), programName: c?.programName ?? '',
    keyword: m.keyword, sender: c?.sender ?? '', donationLink: c?.donationUrl && linkBase ? `${linkBase}${linkPath(SAMPLE_LINK_CODE)}` : null,
  });
}

export async function previewBroadcast(
  store: Store, input: PreviewInput, opts: { sendRateMps: number; window: SendWindow | null; now: Date; linkBase?: string },
): Promise<BroadcastPreview> {
  const campaigns = await store.broadcasts.campaignInfo(input.audience.campaigns);
  const tally = emptyTally();
  const samples: PreviewSample[] = [];
  const zoneOpen = new Map<string, boolean>();
  let waiting = 0;
  const templates = input.templates ?? null;
  const byLanguage = new Map<Lang, { recipients: number; sample: string | null; segments: number }>();
  await forEachAudiencePage(store, input.audience, 2000, (page) => {
    for (const m of page) {
      const campaign = campaigns.get(m.campaignId);
      let template = input.template;
      let lang: Lang | null = null;
      if (templates) {
        lang = languageOfRecipient(templates, m.language, campaign?.languages);
        template = templates[lang] ?? input.template;
      }
      const body = renderMember(template, input.footer, m, campaign, opts.linkBase);
      if (lang) {
        const l = byLanguage.get(lang) ?? { recipients: 0, sample: null, segments: 0 };
        l.recipients += 1;
        l.segments += segmentCount(body);
        l.sample ??= body;
        byLanguage.set(lang, l);
      }
      tallyBody(tally, body);
      const zone = zoneForContact({ zip: m.zip, phone: m.phone });
      let open = zoneOpen.get(zone);
      if (open === undefined) zoneOpen.set(zone, (open = isOpen(opts.window, zone, opts.now)));
      if (!open) waiting += 1;
      if (samples.length < 3) {
        const info = segmentInfo(body);
        samples.push({
          contactId: m.contactId, phone: maskPhone(m.phone), firstName: m.firstName, campaignId: m.campaignId, body,
          encoding: info.encoding, characters: info.characters, segments: info.segments,
        });
      }
    }
  });
  const nonGsm = templates ? nonGsmCharacters(Object.values(templates).join('\n')) : nonGsmCharacters(input.template);
  const warnings: string[] = [];
  if (nonGsm.length > 0) {
    warnings.push(
      `the template contains ${nonGsm.map((c) => `"${c.char}" (${c.codePoint})`).join(', ')}, outside GSM-7: every text is sent as UCS-2, 70 characters per segment`,
    );
  } else if (tally.byEncoding['UCS-2'] > 0) {
    warnings.push(`${tally.byEncoding['UCS-2']} recipient(s) get UCS-2 texts because of characters in their merge fields (e.g. names)`);
  }
  if (tally.maxSegments > 1) warnings.push(`some texts are ${tally.maxSegments} segments long; each segment is billed and counts against the send rate`);
  if (tally.messages === 0) warnings.push('no contact matches this audience');
  const texts = templates ? Object.values(templates).filter((t): t is string => typeof t === 'string') : [input.template];
  if (texts.some(carriesDonationLink)) {
    const without = input.audience.campaigns.filter((id) => !campaigns.get(id)?.donationUrl);
    if (without.length > 0) {
      warnings.push(`{{donation_link}} is empty for recipients of campaign(s) without a donation URL (${without.join(', ')}); set one on the campaign or use {{donation_link|…}}`);
    }
  }
  if (!input.footer) warnings.push('no opt-out footer: make sure the text itself says how to opt out (Reply STOP)');
  const languages = templates
    ? (Object.keys(templates) as Lang[]).map((language): LanguagePreview => {
        const l = byLanguage.get(language);
        const sample = l?.sample ?? composeBody(renderTemplate(templates[language]!, {}), input.footer);
        const info = segmentInfo(sample);
        return {
          language, recipients: l?.recipients ?? 0, sample, encoding: info.encoding, characters: info.characters, segments: info.segments,
          totalSegments: l?.segments ?? 0,
        };
      })
    : undefined;
  return {
    ...(languages ? { languages } : {}),
    recipients: tally.messages,
    samples,
    encoding: tally.byEncoding['UCS-2'] > 0 || (tally.messages === 0 && nonGsm.length > 0) ? 'UCS-2' : 'GSM-7',
    recipientsByEncoding: tally.byEncoding,
    segmentsPerMessage: { min: tally.minSegments, max: tally.maxSegments },
    totalSegments: tally.segments,
    sendRateMps: opts.sendRateMps,
    estimatedSeconds: Math.ceil(tally.segments / opts.sendRateMps),
    quietHours: opts.window ? `${opts.window.start}-${opts.window.end}` : null,
    waitingForQuietHoursNow: waiting,
    footer: input.footer,
    nonGsmCharacters: nonGsm,
    warnings,
  };
}
