/**
 * `rallytext broadcast …`: organizers' broadcast commands against the running gateway's admin API
 * (ADMIN_TOKEN from the environment or --token). Human-readable output; --json prints the API's
 * answer as is.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../../wiring/config';
import type { BroadcastCounts } from '../../usecases/broadcasts/counts';
import type { BroadcastPreview } from '../../usecases/broadcasts/preview';
import type { BroadcastView } from '../../usecases/broadcasts/service';

interface Common {
  url?: string;
  token?: string;
  json?: boolean;
}

class ApiError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(`gateway answered ${status}`);
  }
}

function fail(message: string, code = 1): never {
  process.stderr.write(`rallytext: ${message}\n`);
  process.exit(code);
}

export function registerBroadcastCommands(program: Command, config: () => Config): void {
  const base = (o: Common) => (o.url ?? `http://127.0.0.1:${config().port}`).replace(/\/+$/, '');
  const token = (o: Common) => o.token ?? process.env.ADMIN_TOKEN ?? fail('set ADMIN_TOKEN (or pass --token): the organizer token the gateway printed or was given', 64);

  async function call<T>(o: Common, method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base(o)}/api/broadcasts${path}`, {
        method,
        headers: { authorization: `Bearer ${token(o)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      fail(`cannot reach the gateway at ${base(o)} (${(err as Error).message}). Is "npm start" running?`, 69);
    }
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!res.ok) throw new ApiError(res.status, parsed);
    return parsed as T;
  }

  async function run<T>(o: Common, fn: () => Promise<T>, print: (value: T) => void): Promise<void> {
    try {
      const value = await fn();
      if (o.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else print(value);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const e = (err.body as { error?: { message?: string; details?: { path: string; message: string }[] } } | null)?.error;
      const details = (e?.details ?? []).map((d) => `\n  ${d.path}: ${d.message}`).join('');
      fail(`${e?.message ?? err.message} (HTTP ${err.status})${details}`);
    }
  }

  const cmd = program.command('broadcast').description('compose, preview, schedule and watch broadcasts on the running gateway');
  const withCommon = (c: Command) =>
    c
      .option('--url <url>', 'gateway base URL (default http://127.0.0.1:PORT)')
      .option('--token <token>', 'organizer token (default $ADMIN_TOKEN)')
      .option('--json', 'print the API answer as JSON');

  withCommon(cmd.command('list').description('every broadcast with its status')).action((o: Common) =>
    run(o, () => call<{ broadcasts: BroadcastView[] }>(o, 'GET', ''), ({ broadcasts }) => {
      if (broadcasts.length === 0) process.stdout.write('no broadcasts yet\n');
      for (const b of broadcasts) process.stdout.write(`${b.id}  ${b.status.padEnd(9)}  ${progress(b.counts)}  ${b.name}\n`);
    }),
  );

  withCommon(
    cmd
      .command('create')
      .description('create a draft (or a scheduled broadcast with --send-at)')
      .requiredOption('--name <name>', 'a name organizers recognise')
      .option('--template <text>', 'the text, with merge fields such as {{first_name|friend}}')
      .option('--template-file <file>', 'read the text from a file')
      .option('--flow-file <file>', 'ask a question: a flow (JSON) whose first step is the text (docs/api.md#broadcasts-that-ask)')
      .requiredOption('--campaign <id...>', 'campaign id(s); contacts in several get one text, from the first listed')
      .option('--keyword <word...>', 'only people who joined with these keywords')
      .option('--pledged', 'only people who pledged')
      .option('--not-pledged', 'only people who did not pledge')
      .option('--zip-prefix <digits>', 'ZIP code prefix, e.g. 606')
      .option('--state <code>', 'two-letter state, e.g. IL')
      .option('--joined-after <time>', 'joined at or after (ISO 8601)')
      .option('--joined-before <time>', 'joined before (ISO 8601)')
      .option('--completed', 'only people who finished the sign-up questions')
      .option('--not-completed', 'only people who did not')
      .option('--send-at <time>', 'schedule for this time (ISO 8601 with a zone)')
      .option('--no-footer', 'do not append the opt-out footer'),
  ).action((o: Common & Record<string, unknown>) => {
    const template = o.templateFile ? fs.readFileSync(String(o.templateFile), 'utf8').trimEnd() : (o.template as string | undefined);
    let flow: unknown;
    if (o.flowFile) {
      try {
        flow = JSON.parse(fs.readFileSync(String(o.flowFile), 'utf8')) as unknown;
      } catch (err) {
        fail(`--flow-file: ${(err as Error).message}`, 65);
      }
    }
    if (template === undefined && flow === undefined) fail('give --template, --template-file or --flow-file', 64);
    if (template !== undefined && flow !== undefined) fail('give either a template or --flow-file, not both', 64);
    if (o.pledged && o.notPledged) fail('--pledged and --not-pledged exclude each other', 64);
    if (o.completed && o.notCompleted) fail('--completed and --not-completed exclude each other', 64);
    const audience = {
      campaigns: o.campaign,
      ...(o.keyword ? { keywords: o.keyword } : {}),
      ...(o.pledged ? { pledged: true } : o.notPledged ? { pledged: false } : {}),
      ...(o.zipPrefix ? { zipPrefix: o.zipPrefix } : {}),
      ...(o.state ? { state: o.state } : {}),
      ...(o.joinedAfter ? { joinedAfter: o.joinedAfter } : {}),
      ...(o.joinedBefore ? { joinedBefore: o.joinedBefore } : {}),
      ...(o.completed ? { completed: true } : o.notCompleted ? { completed: false } : {}),
    };
    const body = {
      name: o.name, ...(flow !== undefined ? { flow } : { template }), audience, footer: o.footer !== false, ...(o.sendAt ? { sendAt: o.sendAt } : {}),
    };
    return run(o, () => call<BroadcastView>(o, 'POST', '', body), (b) => {
      process.stdout.write(`created ${b.id} (${b.status}${b.sendAt ? ` for ${b.sendAt}` : ''})\nnext: rallytext broadcast preview ${b.id}\n`);
    });
  });

  withCommon(cmd.command('preview <id>').description('recipient count, sample texts, segments and duration')).action((id: string, o: Common) =>
    run(o, () => call<BroadcastPreview>(o, 'GET', `/${encodeURIComponent(id)}/preview`), (p) => {
      process.stdout.write(
        `recipients: ${p.recipients}\nencoding: ${p.encoding}; segments per text: ${p.segmentsPerMessage.min}-${p.segmentsPerMessage.max}; ` +
          `total segments: ${p.totalSegments}\nat ${p.sendRateMps}/s: about ${duration(p.estimatedSeconds)}` +
          `${p.quietHours ? ` (quiet hours ${p.quietHours}; ${p.waitingForQuietHoursNow} would wait if sent now)` : ''}\n`,
      );
      for (const s of p.samples) process.stdout.write(`\n--- ${s.phone} (${s.segments} segment${s.segments === 1 ? '' : 's'}, ${s.encoding})\n${s.body}\n`);
      for (const w of p.warnings) process.stdout.write(`\nwarning: ${w}\n`);
    }),
  );

  withCommon(cmd.command('schedule <id> <sendAt>').description('send at a time (ISO 8601 with a zone, e.g. 2026-11-22T15:00:00Z)')).action(
    (id: string, sendAt: string, o: Common) => run(o, () => call<BroadcastView>(o, 'POST', `/${encodeURIComponent(id)}/schedule`, { sendAt }), show),
  );
  for (const [verb, what] of [
    ['send', 'start sending now'],
    ['pause', 'stop sending (texts already sent are not recalled)'],
    ['resume', 'continue a paused broadcast'],
    ['cancel', 'stop for good; unsent recipients are canceled'],
  ] as const) {
    withCommon(cmd.command(`${verb} <id>`).description(what)).action((id: string, o: Common) =>
      run(o, () => call<BroadcastView>(o, 'POST', `/${encodeURIComponent(id)}/${verb}`), show),
    );
  }

  withCommon(cmd.command('status <id>').alias('show').description('status and delivery counts')).action((id: string, o: Common) =>
    run(o, () => call<BroadcastView>(o, 'GET', `/${encodeURIComponent(id)}`), show),
  );

  withCommon(cmd.command('watch <id>').description('print delivery progress until the broadcast stops').option('--every <seconds>', 'poll interval', '2')).action(
    async (id: string, o: Common & { every: string }) => {
      const every = Math.max(0.2, Number(o.every) || 2) * 1000;
      for (;;) {
        let b: BroadcastView | undefined;
        await run(o, () => call<BroadcastView>(o, 'GET', `/${encodeURIComponent(id)}`), (v) => {
          b = v;
          process.stdout.write(`${new Date().toISOString()}  ${v.status.padEnd(9)}  ${progress(v.counts)}\n`);
        });
        if (o.json || !b || ['done', 'canceled', 'paused', 'draft'].includes(b.status)) {
          if (b?.lastError) process.stdout.write(`paused: ${b.lastError}\n`);
          return;
        }
        await new Promise((r) => setTimeout(r, every));
      }
    },
  );
}

function show(b: BroadcastView): void {
  const c = b.counts;
  process.stdout.write(
    `${b.name} (${b.id})\nstatus: ${b.status}${b.sendAt && b.status === 'scheduled' ? ` for ${b.sendAt}` : ''}` +
      `${b.lastError ? `\nlast error: ${b.lastError}` : ''}\n${progress(c)}\n` +
      `waiting for quiet hours ${c.waiting} · pending ${c.pending} · sending ${c.sending} · queued ${c.queued} · sent ${c.sent} · ` +
      `delivered ${c.delivered} · undelivered ${c.undelivered} · failed ${c.failed} · opted out ${c.optedOut} · ` +
      `undeliverable ${c.undeliverable} · unknown ${c.unknown} · canceled ${c.canceled}\n` +
      (Object.keys(c.errors).length > 0 ? `error codes: ${Object.entries(c.errors).map(([k, v]) => `${k}×${v}`).join(', ')}\n` : '') +
      (b.flow ? `answers: ${Object.entries(b.answers).map(([k, v]) => `${k} ${v}`).join(' · ') || 'none yet'}\n` : ''),
  );
}

function progress(c: BroadcastCounts): string {
  const handed = c.queued + c.sent + c.delivered + c.undelivered + c.failed;
  return `${handed}/${c.total} sent, ${c.delivered} delivered`;
}

function duration(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
