/**
 * Flow definitions are data: ordered steps, each with a prompt, a validator, a capture target
 * and a specific re-prompt. Parsed with zod so a bad flow is refused with the path of each problem.
 */
import { z } from 'zod';
import { OBJECT_BUILTIN_NAMES } from './own';
import { checkTemplate } from './template';
import { textField } from './text';
import { routeProblems } from './flow-routes';
import { zodProblems, type ParseResult } from './validation';
import { isTranslated, localized, type Localized } from './language';

export const CONTACT_FIELDS = ['first_name', 'zip', 'email'] as const;
/** Merge fields every flow message may use. */
export const FLOW_MERGE_FIELDS = ['first_name', 'zip', 'email', 'program', 'keyword', 'sender', 'pledge', 'min', 'max', 'donation_link', 'referral_code'] as const;

const oneMessage = textField().trim().min(1, 'must not be empty').max(1600, 'must be at most 1600 characters');
/** A message: one text for everyone, or one per language (`{ "en": "…", "es": "…" }`, src/core/language.ts). */
const message = localized(oneMessage);
/** Pledge bounds: whole cents, $0 to $10,000,000 (finite: JSON's 1e400 parses as Infinity). */
const cents = z.number().int('must be a whole number of cents').min(0, 'must not be negative').max(1_000_000_000, 'must be at most 1000000000 cents ($10,000,000)');

export const validatorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('name') }),
  z.object({ type: z.literal('zip') }),
  z.object({ type: z.literal('email') }),
  z
    .object({
      type: z.literal('money'),
      minCents: cents.default(100),
      maxCents: cents.default(270_000),
      frequency: z.enum(['monthly', 'once']).default('monthly'),
    })
    .refine((v) => v.minCents <= v.maxCents, { message: 'minCents must not exceed maxCents', path: ['maxCents'] }),
  z.object({ type: z.literal('yesno') }),
  /** A calendar date with its year, kept as "YYYY-MM-DD" (a sequence may be timed from it: `trigger: "date"`). */
  z.object({ type: z.literal('date') }),
  z.object({
    type: z.literal('choice'),
    options: z
      .array(z.object({ value: textField().min(1).max(40), label: textField().max(80).optional(), aliases: z.array(textField().max(40)).optional() }))
      .min(2)
      .max(10),
  }),
  z.object({ type: z.literal('text'), maxLength: z.number().int().min(1).max(500).default(160) }),
]);

const stepId = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower-case letters, digits or _ (max 40)');

/**
 * Where a conversation goes after a step: another step (`goto`), or the end with a closing
 * message (`end`). Exactly one of the two; checked in the flow's refinement so the problem is
 * reported at the route's own path.
 */
const routeSchema = z
  .object({
    goto: stepId.optional(),
    end: message.optional(),
  })
  .strict();

/** A branch: when the answer is `when` ("yes"/"no" for a yes/no step, an option's value for a choice), go there. */
const branchSchema = routeSchema.extend({ when: textField().trim().min(1, 'must not be empty').max(40) }).strict();

export const stepSchema = z.object({
  id: stepId,
  prompt: message,
  /** Where the answer goes: first_name, zip, email (contact columns), pledge (money), or a custom field name. */
  capture: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower-case letters, digits or _ (max 40)')
    // Captures become merge fields and keys of the contact's custom fields: "constructor" would
    // name what every JavaScript object inherits.
    .refine((c) => !OBJECT_BUILTIN_NAMES.has(c), 'is a reserved name (every JavaScript object has it); choose another capture name'),
  validate: validatorSchema,
  reprompt: message,
  /** For money steps: the re-prompt when the amount is outside the range. */
  outOfRange: message.optional(),
  skippable: z.boolean().default(false),
  /** After maxAttempts invalid answers: go on to the next step, or end the flow politely. */
  onGiveUp: z.enum(['next', 'end']).default('next'),
  /** Branches by answer (yes/no and choice steps): `[{ when: 'yes', goto: 'shift_time' }, { when: 'no', end: 'Thanks anyway' }]`. */
  branches: z.array(branchSchema).max(10).optional(),
  /** Where any other answer (or SKIP, or giving up with onGiveUp 'next') goes; default: the next step in the list, or the completion. */
  next: routeSchema.optional(),
});

export interface FlowSchemaOptions {
  /** Merge fields the first prompt may use instead of the flow's own (a broadcast's first prompt is the broadcast text). */
  firstPromptFields?: readonly string[];
  /** Fewest steps (a broadcast that asks needs its question). */
  minSteps?: number;
}

/** The flow schema; campaigns use `flowSchema`, broadcasts that ask a variant (src/core/broadcast-flow.ts). */
export function makeFlowSchema(options: FlowSchemaOptions = {}) {
  return z
    .object({
      steps: z.array(stepSchema).min(options.minSteps ?? 0, options.minSteps ? `add at least ${options.minSteps} step` : undefined).max(20),
      completion: message,
      /** Sent when a flow ends early after too many invalid answers. */
      giveUp: message.default('No problem, {{first_name|friend}}. Thanks for joining {{program}}!'),
      maxAttempts: z.number().int().min(1).max(10).default(3),
    })
    .superRefine((flow, ctx) => {
      const ids = new Set<string>();
      const captures = new Set<string>();
      flow.steps.forEach((step, i) => {
        if (ids.has(step.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step id "${step.id}"` });
        ids.add(step.id);
        if (captures.has(step.capture)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'capture'], message: `"${step.capture}" is captured by an earlier step` });
        captures.add(step.capture);
        if (step.capture === 'pledge' && step.validate.type !== 'money') {
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'validate', 'type'], message: 'the pledge capture needs a money validator' });
        }
        if (step.validate.type === 'money' && step.capture !== 'pledge') {
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'capture'], message: 'a money step must capture "pledge"' });
        }
      });
      const allowed = [...FLOW_MERGE_FIELDS, ...captures];
      const check = (text: Localized | undefined, path: (string | number)[], fields: readonly string[] = allowed) => {
        if (text === undefined) return;
        // A translated message is checked per language, at its own path (`steps.0.prompt.es`).
        const each: [string, (string | number)[]][] = isTranslated(text)
          ? Object.entries(text).map(([l, t]) => [t ?? '', [...path, l]])
          : [[text, path]];
        for (const [t, at] of each) for (const p of checkTemplate(t, fields)) ctx.addIssue({ code: 'custom', path: at, message: p.message });
      };
      flow.steps.forEach((s, i) => {
        check(s.prompt, ['steps', i, 'prompt'], i === 0 && options.firstPromptFields ? options.firstPromptFields : allowed);
        check(s.reprompt, ['steps', i, 'reprompt']);
        check(s.outOfRange, ['steps', i, 'outOfRange']);
        s.branches?.forEach((b, j) => check(b.end, ['steps', i, 'branches', j, 'end']));
        check(s.next?.end, ['steps', i, 'next', 'end']);
      });
      check(flow.completion, ['completion']);
      check(flow.giveUp, ['giveUp']);
      for (const p of routeProblems(flow.steps)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
    });
}

export const flowSchema = makeFlowSchema();

export type FlowInput = z.input<typeof flowSchema>;
export type Flow = z.output<typeof flowSchema>;
export type Step = Flow['steps'][number];

export function parseFlow(input: unknown): ParseResult<Flow> {
  const r = flowSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, problems: zodProblems(r.error) };
}

/** The demo flow of a fresh install: name, ZIP, monthly pledge, email. */
export const DEMO_FLOW: FlowInput = {
  steps: [
    {
      id: 'name',
      prompt: "What's your first name?",
      capture: 'first_name',
      validate: { type: 'name' },
      reprompt: 'Sorry, we didn\'t catch that. Please reply with just your first name (e.g. "Ana").',
      onGiveUp: 'next',
    },
    {
      id: 'zip',
      prompt: 'Thanks, {{first_name|friend}}! What is your 5-digit ZIP code?',
      capture: 'zip',
      validate: { type: 'zip' },
      reprompt: 'Please reply with a 5-digit ZIP code, like 60601.',
      onGiveUp: 'next',
    },
    {
      id: 'pledge',
      prompt:
        'Can you chip in monthly to power this movement? Reply with an amount like 10 for $10/month, or SKIP.',
      capture: 'pledge',
      validate: { type: 'money', minCents: 100, maxCents: 270_000, frequency: 'monthly' },
      reprompt: 'Please reply with a monthly amount like 10 or $25, or SKIP.',
      outOfRange: 'Monthly pledges can be from {{min}} to {{max}}. Reply with an amount in that range, or SKIP.',
      skippable: true,
      onGiveUp: 'next',
    },
    {
      id: 'email',
      prompt: "Last one: what's your email address? (Or reply SKIP.)",
      capture: 'email',
      validate: { type: 'email' },
      reprompt: 'That doesn\'t look like an email address. Please reply like name@example.com, or SKIP.',
      skippable: true,
      onGiveUp: 'end',
    },
  ],
  // The share line carries the supporter's own code (issue 13): friends who text it credit them.
  completion: "You're in, {{first_name|friend}}! Thank you. Tell friends: text {{keyword}} {{referral_code}} to {{sender}}",
  giveUp: "No problem, {{first_name|friend}}. You're signed up for {{program}}. Tell your friends: text {{keyword}} to {{sender}}",
  maxAttempts: 3,
};
