#!/usr/bin/env node
import { COMMANDS } from './commands.js';
import { newProgram } from './program.js';

const program = newProgram();
for (const register of COMMANDS) register(program);

// A reader that stops early (`optbridge events … | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // One line, as a script's log wants it.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`optbridge: ${message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
