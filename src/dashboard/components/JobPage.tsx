import { useJob } from '../hooks/use-job.js';
import { JobView } from './JobView.js';

/** `#/jobs/{id}`: a job of the signed-in tenant; any other id, another tenant's included, is not found. */
export function JobPage({ id }: { id: string }) {
  const state = useJob(id);
  if (state.error) {
    return (
      <section class="panel">
        <p class="error" role="alert" data-testid="job-error">{state.error}</p>
        <a href="#/">Back to the jobs</a>
      </section>
    );
  }
  if (!state.job) return <p class="hint">Loading {id}…</p>;
  return <JobView key={state.job.id} job={state.job} update={state.update} refresh={state.refresh} />;
}
