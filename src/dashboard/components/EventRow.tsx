import { useState } from 'preact/hooks';
import { canonicalJson, type JobEvent } from '../../client/index.js';
import { formatNumber, formatTime } from '../lib/format.js';

/** One stored event; opened, its canonical form (the bytes its hash covers) and the raw upstream message. */
export function EventRow({ event }: { event: JobEvent }) {
  const [open, setOpen] = useState(false);
  const raw = event.source?.raw;
  return (
    <>
      <tr class={`event ${event.type}`} data-seq={event.seq} onClick={() => setOpen(!open)}>
        <td>{event.seq}</td>
        <td>{event.type}</td>
        <td>{formatTime(event.at)}</td>
        <td class="num">{event.iteration ?? ''}</td>
        <td class="num">{event.objective === undefined ? '' : formatNumber(event.objective)}</td>
        <td class="num">{event.bestObjective === undefined ? '' : formatNumber(event.bestObjective)}</td>
        <td>{event.message ?? event.error?.message ?? ''}</td>
      </tr>
      {open && (
        <tr class="details">
          <td colSpan={7}>
            <h3>Canonical form</h3>
            <pre data-testid="canonical">{canonicalJson(event)}</pre>
            <h3>Raw upstream message{event.source ? ` (${event.source.provider})` : ''}</h3>
            <pre data-testid="raw">{raw === undefined ? 'none: the provider sent no message of its own for this event' : JSON.stringify(raw, null, 2)}</pre>
          </td>
        </tr>
      )}
    </>
  );
}
