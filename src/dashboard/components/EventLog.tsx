import { useEffect, useState } from 'preact/hooks';
import type { JobEvent } from '../../client/index.js';
import { useFailure } from '../hooks/use-failure.js';
import { useSession } from '../lib/session-context.js';
import { EventRow } from './EventRow.js';

const PAGE = 50;

interface Props {
  jobId: string;
  lastSeq: number;
  /** The page starts after this seq. */
  after: number;
  onAfter(after: number): void;
}

/** The stored events a page at a time, read from the database (`GET …/events`), raw messages included. */
export function EventLog({ jobId, lastSeq, after, onAfter }: Props) {
  const { client } = useSession();
  const [events, setEvents] = useState<JobEvent[] | null>(null);
  const [error, fail] = useFailure();
  const [target, setTarget] = useState('');
  useEffect(() => {
    let current = true;
    client.jobs.eventPage(jobId, { after, limit: PAGE }).then((page) => current && setEvents(page.events), fail);
    return () => {
      current = false;
    };
  }, [jobId, after]);
  const last = Math.max(0, lastSeq - PAGE);
  return (
    <section class="panel" data-testid="event-log">
      <h2>Events</h2>
      <div class="toolbar">
        <button type="button" disabled={after === 0} onClick={() => onAfter(0)}>First</button>
        <button type="button" disabled={after === 0} onClick={() => onAfter(Math.max(0, after - PAGE))}>Previous</button>
        <button type="button" disabled={after + PAGE >= lastSeq} onClick={() => onAfter(after + PAGE)}>Next</button>
        <button type="button" disabled={after >= last} onClick={() => onAfter(last)}>Last</button>
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            if (target !== '') onAfter(Math.max(0, Number(target) - 1));
          }}
        >
          <input type="number" name="log-seq" aria-label="show events from seq" min={1} value={target} onInput={(e) => setTarget(e.currentTarget.value)} />
          <button type="submit">Show from seq</button>
        </form>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <table class="events">
        <thead>
          <tr><th>seq</th><th>type</th><th>at</th><th>iteration</th><th>objective</th><th>best</th><th>message</th></tr>
        </thead>
        <tbody>{events?.map((event) => <EventRow key={event.seq} event={event} />)}</tbody>
      </table>
      <p class="hint">Click an event for its canonical form and the raw upstream message.</p>
    </section>
  );
}
