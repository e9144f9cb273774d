import { useEffect, useState } from 'preact/hooks';
import { useFailure } from '../hooks/use-failure.js';
import type { Run } from '../lib/overlay-data.js';
import { pointFromBucket } from '../lib/points.js';
import { compareHref, jobHref } from '../lib/router.js';
import { useSession } from '../lib/session-context.js';
import { OverlayChart } from './OverlayChart.js';

const POINTS_PER_RUN = 800;

/** `#/compare?ids=a,b,…`: runs overlaid, each from its own series downsample. */
export function ComparePage({ ids }: { ids: string[] }) {
  const { client } = useSession();
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [error, fail, clear] = useFailure();
  const [adding, setAdding] = useState('');
  const key = ids.join(',');
  useEffect(() => {
    let current = true;
    clear();
    setRuns(null);
    Promise.all(
      ids.map(async (id): Promise<Run> => {
        const [job, report] = await Promise.all([client.jobs.get(id), client.jobs.series(id, { points: POINTS_PER_RUN })]);
        const points = report.buckets.map(pointFromBucket).filter((p) => p !== null);
        return { id, points, origin: Math.min(Date.parse(job.createdAt), points[0]?.t ?? Infinity) };
      }),
    ).then((loaded) => current && setRuns(loaded), fail);
    return () => {
      current = false;
    };
  }, [key]);
  return (
    <div class="compare-page">
      <section class="panel">
        <h1>Compare runs</h1>
        <ul class="runs">
          {ids.map((id) => (
            <li key={id}>
              <a href={jobHref(id)}>{id}</a>{' '}
              <button type="button" class="link" onClick={() => (location.hash = compareHref(ids.filter((other) => other !== id)))}>remove</button>
            </li>
          ))}
        </ul>
        <form
          class="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            if (adding && !ids.includes(adding)) location.hash = compareHref([...ids, adding]);
            setAdding('');
          }}
        >
          <input name="add-run" placeholder="another job id" value={adding} onInput={(e) => setAdding(e.currentTarget.value.trim())} />
          <button type="submit">Add run</button>
        </form>
        {ids.length < 2 && <p class="hint">Add at least two runs to compare them.</p>}
        {error && <p class="error" role="alert">{error}</p>}
      </section>
      {runs && <OverlayChart runs={runs} />}
    </div>
  );
}
