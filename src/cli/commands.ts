import type { Command } from 'commander';
import { registerEventsCommands } from './commands/events.js';
import { registerJobsCommands } from './commands/jobs.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerSubmitCommand } from './commands/submit.js';
import { registerVerifyCommand } from './commands/verify.js';
import { registerWatchCommand } from './commands/watch.js';

/** Every subcommand; adding one is one line here. */
export const COMMANDS: readonly ((program: Command) => void)[] = [
  registerJobsCommands,
  registerSubmitCommand,
  registerEventsCommands,
  registerWatchCommand,
  registerVerifyCommand,
  registerKeysCommand,
];
