import type { JobInfo } from '../../client/index.js';
import { formatNumber, formatTime, jobDuration } from '../lib/format.js';
import { ExportLinks } from './ExportLinks.js';

interface Props {
  job: JobInfo;
  live: boolean;
  /** The best objective so far, from the chart's points, for a job with no result yet. */
  bestSoFar: number | null;
}

/** Who ran the job, how it stands, what it found. */
export function JobSummary({ job, live, bestSoFar }: Props) {
  const fields: [string, string][] = [
    ['provider', job.provider],
    ['kind', job.kind],
    ['started', formatTime(job.createdAt)],
    ['duration', jobDuration(job)],
    ['events', String(job.lastSeq)],
    ['best objective', formatNumber(job.result?.objective ?? bestSoFar)],
  ];
  if (job.device) fields.push(['device', job.device]);
  if (job.error) fields.push(['error', `${job.error.code}: ${job.error.message}`]);
  return (
    <section class="panel summary">
      <h1>
        {job.id} <span class={`status ${job.status}`} data-testid="job-status">{job.status}</span>
        {live && <span class="live" data-testid="live">live</span>}
      </h1>
      <dl>
        {fields.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <ExportLinks jobId={job.id} />
    </section>
  );
}
