#!/usr/bin/env node
/**
 * rallytext command line: rehearse a conversation against a running gateway, and admin tasks.
 * The program only; each verb group lives in commands/<verb>.ts.
 */
import { Command } from 'commander';
import { configOrExit } from '../wiring/startup';
import { registerBroadcastCommands } from './commands/broadcast';
import { registerDbCommands } from './commands/db';
import { registerExportCommands } from './commands/export';
import { registerImportCommand } from './commands/import';
import { registerTextCommand } from './commands/text';
import { registerUsersCommands } from './commands/users';

const config = configOrExit;

const program = new Command();
program.name('rallytext').description('SMS keyword opt-in and rally engagement gateway').showHelpAfterError();

registerTextCommand(program, config);
registerImportCommand(program, config);
registerExportCommands(program, config);
registerBroadcastCommands(program, config);
registerDbCommands(program, config);
registerUsersCommands(program, config);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`rallytext: ${(err as Error).message}\n`);
  process.exit(1);
});
