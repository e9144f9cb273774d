import { useEffect, useState } from 'preact/hooks';
import type { AuditReport } from '../../client/index.js';
import { useFailure } from '../hooks/use-failure.js';
import { useSession } from '../lib/session-context.js';

interface Props {
  jobId: string;
  /** A new value checks again (the job's status, so a finished job is checked once more at its end). */
  version: string;
}

/** The record's hash chain as the bridge recomputes it (`GET …/audit`): intact with its head hash, or the first seq that breaks it. */
export function Verification({ jobId, version }: Props) {
  const { client } = useSession();
  const [report, setReport] = useState<AuditReport | null>(null);
  const [error, fail] = useFailure();
  const [checks, setChecks] = useState(0);
  useEffect(() => {
    let current = true;
    client.jobs.verify(jobId).then((audit) => current && setReport(audit), fail);
    return () => {
      current = false;
    };
  }, [jobId, version, checks]);
  const state = report === null ? 'checking' : report.intact ? 'intact' : 'broken';
  return (
    <section class={`panel verification ${state}`} data-testid="verification" data-state={state}>
      <h2>Verification</h2>
      {error && <p class="error" role="alert">{error}</p>}
      {report === null && !error && <p>Recomputing the hash chain…</p>}
      {report?.intact && (
        <p>
          <strong>Intact:</strong> {report.events} events, each hash recomputed as sha256(previous ‖ canonical event).
          <br />
          Head (seq {report.head?.seq ?? 0}): <code data-testid="head-hash">{report.head?.hash ?? 'none (no events yet)'}</code>
        </p>
      )}
      {report && !report.intact && (
        <p>
          <strong>Broken at seq <span data-testid="broken-at">{report.broken_at}</span>:</strong> {report.reason}
          {report.head && <><br />Intact up to seq {report.head.seq}, head <code>{report.head.hash}</code></>}
        </p>
      )}
      <button type="button" onClick={() => setChecks((n) => n + 1)}>Verify again</button>
    </section>
  );
}
