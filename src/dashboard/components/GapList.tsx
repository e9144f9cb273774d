import type { GapMarker } from '../../client/index.js';
import { formatTime } from '../lib/format.js';

interface Props {
  gaps: readonly GapMarker[];
  onShow(seq: number): void;
}

/** The upstream `gap` markers: where the provider's stream lost messages (dashed lines on the chart). */
export function GapList({ gaps, onShow }: Props) {
  return (
    <section class="panel" data-testid="gaps">
      <h2>Gaps ({gaps.length})</h2>
      {gaps.length === 0 ? (
        <p class="hint">The provider's stream lost nothing: no gap markers.</p>
      ) : (
        <ul class="gaps">
          {gaps.map((gap) => (
            <li key={gap.seq}>
              <button type="button" class="link" onClick={() => onShow(gap.seq)}>seq {gap.seq}</button> {formatTime(gap.at)}
              {gap.message && <span class="hint"> — {gap.message}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
