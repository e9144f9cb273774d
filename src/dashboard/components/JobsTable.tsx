import type { JobListing } from '../../client/index.js';
import { formatNumber, formatTime, jobDuration } from '../lib/format.js';
import { jobHref } from '../lib/router.js';

interface Props {
  jobs: readonly JobListing[];
  selected: ReadonlySet<string>;
  onToggle(id: string): void;
}

export function JobsTable({ jobs, selected, onToggle }: Props) {
  return (
    <table class="jobs" data-testid="jobs-table">
      <thead>
        <tr><th aria-label="compare" /><th>id</th><th>provider</th><th>kind</th><th>status</th><th>start</th><th>duration</th><th>best objective</th></tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.id} data-job-id={job.id}>
            <td><input type="checkbox" aria-label={`compare ${job.id}`} checked={selected.has(job.id)} onChange={() => onToggle(job.id)} /></td>
            <td><a href={jobHref(job.id)}>{job.id}</a></td>
            <td>{job.provider}</td>
            <td>{job.kind}</td>
            <td><span class={`status ${job.status}`}>{job.status}</span></td>
            <td>{formatTime(job.createdAt)}</td>
            <td>{jobDuration(job)}</td>
            <td class="num">{formatNumber(job.bestObjective)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
