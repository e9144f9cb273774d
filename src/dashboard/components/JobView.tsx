import { useState } from 'preact/hooks';
import type { JobEvent, JobInfo } from '../../client/index.js';
import { useModelVersion } from '../hooks/use-model-version.js';
import { useSeries } from '../hooks/use-series.js';
import { FULL_MODE } from '../lib/full-mode.js';
import { latestBest } from '../lib/points.js';
import { ConvergenceChart } from './ConvergenceChart.js';
import { EventLog } from './EventLog.js';
import { GapList } from './GapList.js';
import { JobSummary } from './JobSummary.js';
import { ReplayControls } from './ReplayControls.js';
import { Verification } from './Verification.js';

const FINAL = new Set(['completed', 'failed', 'cancelled']);
const TERMINAL_EVENTS = new Set(['completed', 'failed', 'cancelled']);

/** As many buckets as the chart has pixels across: finer would not show, coarser would hide detail. */
function bucketsForWidth(): number {
  return Math.max(100, Math.min(2000, Math.round(document.documentElement.clientWidth - 80)));
}

interface Props {
  job: JobInfo;
  update(change: (job: JobInfo) => JobInfo): void;
  refresh(): void;
}

export function JobView({ job, update, refresh }: Props) {
  const [logAfter, setLogAfter] = useState(0);
  const onLiveEvent = (event: JobEvent) => {
    if (TERMINAL_EVENTS.has(event.type)) refresh();
    else update((shown) => ({ ...shown, lastSeq: event.seq, status: shown.status === 'queued' ? 'running' : shown.status }));
  };
  const series = useSeries(job, bucketsForWidth(), onLiveEvent);
  useModelVersion(series.model);
  const finished = FINAL.has(job.status);
  return (
    <div class="job-page">
      <JobSummary job={job} live={series.live} bestSoFar={latestBest(series.model.points)} />
      {FULL_MODE && <p class="notice" data-testid="full-mode">Full mode: every event is loaded and drawn, without downsampling.</p>}
      {series.error && <p class="error" role="alert">{series.error}</p>}
      <Verification jobId={job.id} version={job.status} />
      <ConvergenceChart model={series.model} onZoom={series.zoom} />
      {finished && <ReplayControls key={job.lastSeq} jobId={job.id} total={job.lastSeq} series={series} />}
      <GapList gaps={series.model.gaps} onShow={(seq) => setLogAfter(Math.max(0, seq - 1))} />
      <EventLog jobId={job.id} lastSeq={job.lastSeq} after={logAfter} onAfter={setLogAfter} />
    </div>
  );
}
