/**
 * `rallytext text <from> <message...>`: text the running gateway as a phone would (a webhook
 * signed exactly as Twilio signs it) and print its replies. Rehearsal without a phone.
 */
import type { Command } from 'commander';
import { toE164 } from '../../core/phone';
import { sendText } from '../../twilio/rehearse';
import type { Config } from '../../wiring/config';

export function registerTextCommand(program: Command, config: () => Config): void {
  program
    .command('text')
    .description('text the running gateway as a phone would (a signed Twilio webhook) and print the replies')
    .argument('<from>', 'the phone number texting, e.g. +13125550100 or 3125550100')
    .argument('<message...>', 'the text, e.g. JOIN')
    .option('--to <sender>', 'the short code or number being texted', '62262')
    .option('--url <url>', 'gateway base URL to post to (default http://127.0.0.1:PORT)')
    .action(async (fromArg: string, words: string[], opts: { to: string; url?: string }) => {
      const cfg = config();
      const from = toE164(fromArg);
      if (!from) {
        process.stderr.write(`rallytext: "${fromArg}" is not a phone number\n`);
        process.exit(64);
      }
      const base = (opts.url ?? `http://127.0.0.1:${cfg.port}`).replace(/\/+$/, '');
      try {
        const r = await sendText({
          postUrl: `${base}/twilio/sms`, signedUrl: `${cfg.publicBaseUrl}/twilio/sms`, authToken: cfg.twilio.authToken,
          from, to: opts.to, body: words.join(' '),
        });
        if (r.status !== 200) {
          process.stderr.write(`gateway answered ${r.status}: ${r.raw}\n`);
          process.exit(1);
        }
        process.stdout.write(`> ${words.join(' ')}\n`);
        if (r.replies.length === 0) process.stdout.write('< (no reply)\n');
        for (const reply of r.replies) process.stdout.write(`< ${reply.replace(/\n/g, '\n  ')}\n`);
      } catch (err) {
        process.stderr.write(`rallytext: cannot reach the gateway at ${base} (${(err as Error).message}). Is "npm start" running?\n`);
        process.exit(69);
      }
    });
}
