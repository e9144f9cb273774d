import type { Command } from 'commander';
import type { JobInfo, JobSummary } from '../../client/index.js';
import { clientOf, integer } from '../program.js';
import { formatDuration, out, paint, table } from '../terminal.js';

const STATUS_STYLE = { completed: 'green', failed: 'red', cancelled: 'yellow', running: 'cyan', queued: 'gray', paused: 'gray' } as const;

function duration(job: JobSummary): string {
  const end = job.finishedAt ? Date.parse(job.finishedAt) : Date.now();
  return formatDuration(end - Date.parse(job.createdAt));
}

function row(job: JobSummary): string[] {
  return [
    job.id,
    job.provider,
    job.kind,
    paint(process.stdout, STATUS_STYLE[job.status] ?? 'reset', job.status),
    job.createdAt,
    duration(job),
    job.result?.objective === undefined ? '' : String(job.result.objective),
  ];
}

function describe(job: JobInfo): string[] {
  const lines = [
    `id          ${job.id}`,
    `provider    ${job.provider}`,
    `kind        ${job.kind}`,
    `status      ${job.status}`,
    `created     ${job.createdAt}`,
    `finished    ${job.finishedAt ?? '-'}`,
    `duration    ${duration(job)}`,
    `events      ${job.lastSeq}`,
    `params      ${JSON.stringify(job.params)}`,
  ];
  if (job.device) lines.push(`device      ${job.device}`);
  if (job.result) lines.push(`result      ${JSON.stringify(job.result)}`);
  if (job.error) lines.push(`error       ${job.error.code}: ${job.error.message}`);
  return lines;
}

export function registerJobsCommands(program: Command): void {
  program
    .command('jobs')
    .description('list jobs, newest first')
    .option('--limit <n>', 'how many', integer, 50)
    .option('--before <id>', 'the page after this job id (from an earlier page)')
    .option('--json', 'the page as JSON')
    .action(async (options: { limit: number; before?: string; json?: boolean }, command: Command) => {
      const page = await clientOf(command).jobs.list({ limit: options.limit, ...(options.before && { before: options.before }) });
      if (options.json) return out(JSON.stringify(page));
      for (const line of table(['ID', 'PROVIDER', 'KIND', 'STATUS', 'CREATED', 'DURATION', 'OBJECTIVE'], page.jobs.map(row))) out(line);
    });

  program
    .command('show')
    .description('one job: status, parameters, result')
    .argument('<id>', 'job id')
    .option('--json', 'the job as JSON, problem included')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const job = await clientOf(command).jobs.get(id);
      if (options.json) return out(JSON.stringify(job));
      for (const line of describe(job)) out(line);
    });
}
