import type { Command } from 'commander';
import { clientOf } from '../program.js';
import { out, paint } from '../terminal.js';

/** Exit status of a record that does not verify: a finding, told apart from a failure to ask (1). */
export const BROKEN_EXIT = 2;

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(`recompute a job's hash chain; exit 0 when intact, ${BROKEN_EXIT} when it breaks`)
    .argument('<id>', 'job id')
    .option('--head <hash>', 'a head hash kept from an earlier verify: the record must still contain it')
    .option('--json', 'the report as JSON')
    .action(async (id: string, options: { head?: string; json?: boolean }, command: Command) => {
      const report = await clientOf(command).jobs.verify(id, { ...(options.head && { head: options.head }) });
      if (options.json) out(JSON.stringify(report));
      else if (report.intact) {
        const head = report.head ? `head seq ${report.head.seq} ${report.head.hash}` : 'no events yet';
        out(`${paint(process.stdout, 'green', 'intact')}: ${report.events} events, ${head}`);
      } else {
        out(`${paint(process.stdout, 'red', 'broken')} at seq ${report.broken_at}: ${report.reason}`);
      }
      if (!report.intact) process.exitCode = BROKEN_EXIT;
    });
}
