/**
 * `rallytext users …`: people accounts, on the gateway's database file (DATABASE_URL) like import
 * and export. `users invite EMAIL --role organizer|volunteer` prints the one-time link (on stdout,
 * alone, for scripts; the explanation goes to stderr); it is how the first organizer of a fresh
 * install gets an account when no one has ADMIN_TOKEN at hand. Acts as the `cli` actor in the audit log.
 */
import { Option, type Command } from 'commander';
import { AppError } from '../../shared/errors';
import { AuditLog } from '../../usecases/audit/audit';
import { People } from '../../usecases/people/people';
import { CLI_ACTOR } from '../../usecases/sessions/actor';
import type { Config } from '../../wiring/config';
import type { CliDatabase } from '../../wiring/cli-database';
import { withDatabase } from '../database';
import { processIo, type CommandIo } from '../io';

function peopleOn(db: CliDatabase, config: Config): People {
  const audit = new AuditLog({ store: db.store, clock: db.clock });
  return new People({ store: db.store, audit, clock: db.clock, newId: db.newId, publicBaseUrl: config.publicBaseUrl });
}

async function run(io: CommandIo, fn: () => Promise<void>): Promise<number> {
  try {
    await fn();
    return 0;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    io.stderr.write(`rallytext: ${err.message}\n${err.details.map((d) => `  ${d.path}: ${d.message}\n`).join('')}`);
    return err.code === 'not_found' ? 66 : err.code === 'conflict' ? 65 : 64;
  }
}

export function registerUsersCommands(program: Command, config: () => Config): void {
  const cmd = program.command('users').description('people who sign in to the console as themselves (on the database, DATABASE_URL)');

  cmd
    .command('invite')
    .description('create a one-time link (valid 7 days) for someone to set their name and password')
    .argument('<email>', 'their email address (they sign in with it)')
    .addOption(new Option('--role <role>', 'organizer (everything) or volunteer (exports, inbox)').choices(['organizer', 'volunteer']).default('volunteer'))
    .option('--json', 'print { person, url, expiresAt } as JSON')
    .action(async (email: string, o: { role: string; json?: boolean }) => {
      await withDatabase(config, (db) =>
        run(processIo, async () => {
          const inv = await peopleOn(db, config()).invite(CLI_ACTOR, email, o.role);
          if (o.json) {
            processIo.stdout.write(`${JSON.stringify(inv, null, 2)}\n`);
            return;
          }
          processIo.stderr.write(`Invite for ${inv.person.email} (${inv.person.role}); send them this link, it works once until ${inv.expiresAt}:\n`);
          processIo.stdout.write(`${inv.url}\n`);
        }),
      );
    });

  cmd
    .command('list')
    .description('everyone with an account')
    .option('--json', 'print as JSON')
    .action(async (o: { json?: boolean }) => {
      await withDatabase(config, (db) =>
        run(processIo, async () => {
          const people = await peopleOn(db, config()).list();
          if (o.json) return void processIo.stdout.write(`${JSON.stringify({ people }, null, 2)}\n`);
          if (people.length === 0) processIo.stdout.write('no one yet: rallytext users invite EMAIL --role organizer\n');
          for (const p of people) processIo.stdout.write(`${p.email.padEnd(32)} ${p.role.padEnd(10)} ${p.status.padEnd(9)} ${p.name ?? ''}\n`);
        }),
      );
    });

  for (const [verb, status, what] of [
    ['disable', 'disabled', 'stop someone signing in (their sessions end at once)'],
    ['enable', 'active', 'let a disabled person sign in again'],
  ] as const) {
    cmd
      .command(verb)
      .description(what)
      .argument('<email>')
      .action(async (email: string) => {
        await withDatabase(config, (db) =>
          run(processIo, async () => {
            const people = peopleOn(db, config());
            const p = await people.setStatus(CLI_ACTOR, (await people.byEmail(email)).id, status);
            processIo.stdout.write(`${p.email} is now ${p.status}\n`);
          }),
        );
      });
  }
}
