import { invalid } from '../../core/errors.js';

/** `?after=<seq>` and the like: null when absent. */
export function parseSeq(value: string | null, name: string): number | null {
  if (value === null || value === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw invalid(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

/** Slower than a hundredth of real time, a replay would hold its socket and cursor for days per hour recorded. */
const REPLAY_SPEEDS = { min: 0.01, max: 1_000_000 };

/** `?replay=1&speed=N`, which every stream URL takes: the speed, or null when the URL asks for no replay. */
export function parseReplay(query: URLSearchParams): number | null {
  const replay = query.get('replay');
  if (replay === null || replay === '0' || replay === 'false') return null;
  const speed = query.get('speed') ?? '1';
  const n = Number(speed);
  if (!(n === 0 || (n >= REPLAY_SPEEDS.min && n <= REPLAY_SPEEDS.max))) {
    throw invalid(`speed must be 0 (as fast as the client reads) or from ${REPLAY_SPEEDS.min} to ${REPLAY_SPEEDS.max}, got "${speed}"`);
  }
  return n;
}
