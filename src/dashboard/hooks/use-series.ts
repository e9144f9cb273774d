import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { JobEvent, JobInfo } from '../../client/index.js';
import { FULL_MODE } from '../lib/full-mode.js';
import { SeriesModel } from '../lib/series-model.js';
import { useSession } from '../lib/session-context.js';
import { useFailure } from './use-failure.js';

const FINAL = new Set(['completed', 'failed', 'cancelled']);

export interface Series {
  model: SeriesModel;
  /** The job's stream is open and its events are being drawn as they come. */
  live: boolean;
  error: string | null;
  /** Refetches a window of seqs with as many buckets as the chart is wide. */
  zoom(fromSeq: number, toSeq: number): void;
  /** The chart up to `seq` only (0: empty), for a replay scrubbed there. */
  showUntil(seq: number): Promise<void>;
}

/**
 * A job's chart data: the series endpoint's min/max buckets (`points` of them, about the chart's width), or
 * in `?full=1` mode every event; then, while the job runs, each event from its stream as it happens.
 */
export function useSeries(job: JobInfo, points: number, onLiveEvent: (event: JobEvent) => void): Series {
  const { client } = useSession();
  const model = useMemo(() => new SeriesModel(job.createdAt), [job.id]);
  const [live, setLive] = useState(false);
  const [error, fail] = useFailure();
  const onEvent = useRef(onLiveEvent);
  onEvent.current = onLiveEvent;

  useEffect(() => {
    const controller = new AbortController();
    const lastSeq = job.lastSeq;
    void (async () => {
      let after = lastSeq;
      if (FULL_MODE) {
        const events: JobEvent[] = [];
        for await (const event of client.jobs.events(job.id)) events.push(event);
        model.replaceWithEvents(events);
        after = events.at(-1)?.seq ?? 0;
      } else if (lastSeq > 0) {
        model.replace(await client.jobs.series(job.id, { points, to: lastSeq }));
      }
      if (FINAL.has(job.status) || controller.signal.aborted) return;
      setLive(true);
      try {
        for await (const event of client.jobs.handle(job.id).stream({ after, signal: controller.signal })) {
          model.append(event);
          onEvent.current(event);
        }
      } finally {
        setLive(false);
      }
    })().catch((failure: unknown) => controller.signal.aborted || fail(failure));
    return () => controller.abort();
  }, [model]);

  return {
    model,
    live,
    error,
    zoom(fromSeq, toSeq) {
      client.jobs.series(job.id, { points, from: fromSeq, to: toSeq }).then((report) => model.mergeWindow(report), fail);
    },
    async showUntil(seq) {
      if (seq === 0) return model.clear();
      model.replace(await client.jobs.series(job.id, { points, to: seq }));
    },
  };
}
