/**
 * The port the dispatcher sends through. src/twilio/sender.ts implements it with the official
 * client (and a local-mode logger); tests may pass their own. Outcomes are domain data
 * (src/core/sending.ts): the adapter decides what a provider error means.
 */
import type { LookupOutcome, OutgoingText, SendOutcome } from '../../core/sending';

export interface TextSender {
  readonly mode: 'twilio' | 'local';
  send(text: OutgoingText): Promise<SendOutcome>;
  /**
   * Did a text with this body reach the provider for this number since `since`? (reconciliation)
   * Messages for which `known(sid)` is true are already accounted for and are skipped.
   */
  lookup(text: OutgoingText, since: Date, known?: (sid: string) => Promise<boolean>): Promise<LookupOutcome>;
}
