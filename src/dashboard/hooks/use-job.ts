import { useEffect, useState } from 'preact/hooks';
import type { JobInfo } from '../../client/index.js';
import { useSession } from '../lib/session-context.js';
import { useFailure } from './use-failure.js';

export interface JobState {
  job: JobInfo | null;
  error: string | null;
  /** Changes the job as shown (its stream reported a new event). */
  update(change: (job: JobInfo) => JobInfo): void;
  /** Reads it again from the bridge (its stream reported the end). */
  refresh(): void;
}

export function useJob(id: string): JobState {
  const { client } = useSession();
  const [job, setJob] = useState<JobInfo | null>(null);
  const [error, fail, clear] = useFailure();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let current = true;
    clear();
    client.jobs.get(id).then(
      (info) => current && setJob(info),
      (failure: unknown) => current && fail(failure),
    );
    return () => {
      current = false;
    };
  }, [id, version]);
  return {
    job: job?.id === id ? job : null,
    error,
    update: (change) => setJob((shown) => shown && change(shown)),
    refresh: () => setVersion((v) => v + 1),
  };
}
