import { Argument, type Command } from 'commander';
import type { Job } from '../../client/index.js';
import { problemBody, SUBMIT_KINDS, type SubmitKind } from '../problem-files.js';
import { clientOf, integer, nonNegative } from '../program.js';
import { note, out } from '../terminal.js';

interface SubmitOptions {
  file: string;
  timeLimit?: number;
  seed?: number;
  provider?: string;
  json?: boolean;
}

export function registerSubmitCommand(program: Command): void {
  program
    .command('submit')
    .description('submit a problem from a file; prints the job id')
    .addArgument(new Argument('<kind>', 'problem kind').choices(SUBMIT_KINDS))
    .requiredOption('--file <path>', 'TSPLIB .tsp (tsp), G-set text (maxcut), JAOT JSON (lp), or the route\'s JSON body')
    .option('--time-limit <s>', 'seconds the solver may run (tsp, qubo, maxcut)', nonNegative)
    .option('--seed <n>', 'random seed (tsp, qubo, maxcut)', integer)
    .option('--provider <name>', 'which provider runs it (default: the bridge\'s routing)')
    .option('--json', 'print the submitted job as JSON')
    .action(async (kind: SubmitKind, options: SubmitOptions, command: Command) => {
      const client = clientOf(command);
      const body = await problemBody(kind, options.file);
      let job: Job;
      if (kind === 'lp') {
        job = await client.optimize.lp(body, { ...(options.provider && { provider: options.provider }) });
      } else {
        job = await client.optimize.request(kind, {
          ...body,
          ...(options.timeLimit !== undefined && { time_limit_s: options.timeLimit }),
          ...(options.seed !== undefined && { seed: options.seed }),
          ...(options.provider && { provider: options.provider }),
        });
      }
      if (options.json) out(JSON.stringify({ id: job.id, status: job.status }));
      else out(job.id);
      note(`submitted ${kind} job ${job.id} (${job.status}); follow it with: optbridge watch ${job.id}`);
    });
}
