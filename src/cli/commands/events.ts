import { Option, type Command } from 'commander';
import { DIALECTS, type Dialect, type ExportFormat } from '../../client/index.js';
import { clientOf, integer, nonNegative } from '../program.js';
import { drained, out } from '../terminal.js';

export function registerEventsCommands(program: Command): void {
  program
    .command('events')
    .description("a job's recorded events, complete, in seq order")
    .argument('<id>', 'job id')
    .option('--after <seq>', 'only the events after this seq', integer, 0)
    .addOption(new Option('--format <format>', 'canonical NDJSON or CSV').choices(['ndjson', 'csv']).default('ndjson'))
    .addOption(new Option('--dialect <dialect>', "NDJSON of that dialect's messages instead of canonical events").choices(DIALECTS))
    .action(async (id: string, options: { after: number; format: ExportFormat; dialect?: Dialect }, command: Command) => {
      const { after, format, dialect } = options;
      for await (const chunk of clientOf(command).jobs.export(id, { format, after, ...(dialect && { dialect }) })) process.stdout.write(chunk);
      await drained();
    });

  program
    .command('replay')
    .description("play a recorded job back as a dialect's client receives it, one message per line")
    .argument('<id>', 'job id')
    .addOption(new Option('--dialect <dialect>', 'whose stream to replay').choices(DIALECTS).makeOptionMandatory())
    .option('--speed <n>', 'the recorded pacing divided by n (0: as fast as possible)', nonNegative, 1)
    .option('--after <seq>', "start after this seq (not on JAOT's stream, which takes none)", integer)
    .action(async (id: string, options: { dialect: Dialect; speed: number; after?: number }, command: Command) => {
      for await (const message of clientOf(command).jobs.replay(id, options)) out(message);
      await drained();
    });
}
