import { useState } from 'preact/hooks';
import type { ExportFormat } from '../../client/index.js';
import { useFailure } from '../hooks/use-failure.js';
import { saveChunks } from '../lib/download.js';
import { useSession } from '../lib/session-context.js';

const TYPES: Record<ExportFormat, string> = { ndjson: 'application/x-ndjson', csv: 'text/csv' };

/** The complete record (`GET …/events?format=`), every event, whatever the chart downsampled. */
export function ExportLinks({ jobId }: { jobId: string }) {
  const { client } = useSession();
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [error, fail] = useFailure();
  const save = async (format: ExportFormat) => {
    setBusy(format);
    try {
      await saveChunks(client.jobs.export(jobId, { format }), `${jobId}.${format}`, TYPES[format]);
    } catch (failure) {
      fail(failure);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div class="exports">
      Export:
      {(['ndjson', 'csv'] as const).map((format) => (
        <button key={format} type="button" class="link" disabled={busy !== null} onClick={() => void save(format)}>
          {busy === format ? `${format.toUpperCase()}…` : format.toUpperCase()}
        </button>
      ))}
      {error && <span class="error" role="alert">{error}</span>}
    </div>
  );
}
