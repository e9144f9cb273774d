import { useState } from 'preact/hooks';
import { useReplay } from '../hooks/use-replay.js';
import type { Series } from '../hooks/use-series.js';

const SPEEDS = [1, 2, 5, 10, 50, 100, 1000, 0];

interface Props {
  jobId: string;
  total: number;
  series: Series;
}

/** Play, pause, speed and scrub for a recorded job; the chart shows the job up to the cursor. */
export function ReplayControls({ jobId, total, series }: Props) {
  const replay = useReplay(jobId, total, series);
  const [target, setTarget] = useState('');
  return (
    <section class="panel replay" data-testid="replay" data-cursor={replay.cursor} data-playing={String(replay.playing)}>
      <h2>Replay</h2>
      <div class="toolbar">
        {replay.playing ? (
          <button type="button" onClick={replay.pause}>Pause</button>
        ) : (
          <button type="button" onClick={replay.play}>Play</button>
        )}
        <label>
          speed
          <select name="speed" value={String(replay.speed)} onChange={(e) => replay.setSpeed(Number(e.currentTarget.value))}>
            {SPEEDS.map((speed) => (
              <option key={speed} value={String(speed)}>{speed === 0 ? 'as fast as possible' : `${speed}×`}</option>
            ))}
          </select>
        </label>
        <input
          type="range"
          name="scrub"
          aria-label="scrub"
          min={0}
          max={total}
          step={1}
          value={replay.cursor}
          onChange={(e) => void replay.scrub(Number(e.currentTarget.value))}
        />
        <span class="cursor">seq {replay.cursor} / {total}</span>
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            if (target !== '') void replay.scrub(Number(target));
          }}
        >
          <input type="number" name="seq" aria-label="scrub to seq" min={0} max={total} value={target} onInput={(e) => setTarget(e.currentTarget.value)} />
          <button type="submit">Go to seq</button>
        </form>
      </div>
      {replay.error && <p class="error" role="alert">{replay.error}</p>}
    </section>
  );
}
