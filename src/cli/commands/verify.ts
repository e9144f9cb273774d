import type { Command } from 'commander';
import type { AuditReport, RecomputedChain } from '../../client/index.js';
import { clientOf } from '../program.js';
import { out, paint } from '../terminal.js';

/** Exit status of a record that does not verify: a finding, told apart from a failure to ask (1). */
export const BROKEN_EXIT = 2;

/**
 * Why the record fails, or undefined when it verifies. The bridge's audit names the first bad seq; the chain
 * recomputed here from the served events must then reach the same head, so a bridge that reported "intact"
 * over events other than those it serves would be caught as well.
 */
function finding(audit: AuditReport, recomputed: RecomputedChain | undefined): string | undefined {
  if (!audit.intact) return `at seq ${audit.broken_at}: ${audit.reason}`;
  if (recomputed && recomputed.head?.hash !== audit.head?.hash) {
    const mine = recomputed.head ? `seq ${recomputed.head.seq} ${recomputed.head.hash}` : 'nothing';
    return `the served events hash to ${mine}, but the audit reports head seq ${audit.head?.seq} ${audit.head?.hash}`;
  }
  if (recomputed?.expectedHead && !recomputed.expectedHead.found) return `the served events do not pass through head ${recomputed.expectedHead.hash}`;
  return undefined;
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(`check a job's hash chain, on the bridge and recomputed here; exit 0 when intact, ${BROKEN_EXIT} when it breaks`)
    .argument('<id>', 'job id')
    .option('--head <hash>', 'a head hash kept from an earlier verify: the record must still contain it')
    .option('--json', 'the audit and the recomputed chain as JSON')
    .action(async (id: string, options: { head?: string; json?: boolean }, command: Command) => {
      const client = clientOf(command);
      const head = options.head && { head: options.head };
      const audit = await client.jobs.verify(id, { ...head });
      const recomputed = audit.intact ? await client.jobs.recompute(id, { ...head, until: audit.head?.seq ?? 0 }) : undefined;
      const broken = finding(audit, recomputed);
      if (options.json) out(JSON.stringify({ ...audit, ...(recomputed && { recomputed }) }));
      else if (broken) out(`${paint(process.stdout, 'red', 'broken')} ${broken}`);
      else {
        const where = audit.head ? `head seq ${audit.head.seq} ${audit.head.hash}` : 'no events yet';
        out(`${paint(process.stdout, 'green', 'intact')}: ${audit.events} events, ${where} (recomputed here too)`);
      }
      if (broken) process.exitCode = BROKEN_EXIT;
    });
}
