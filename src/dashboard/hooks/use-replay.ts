import { useEffect, useRef, useState } from 'preact/hooks';
import { useSession } from '../lib/session-context.js';
import { useFailure } from './use-failure.js';
import type { Series } from './use-series.js';

export interface Replay {
  playing: boolean;
  speed: number;
  /** The last seq on the chart. */
  cursor: number;
  error: string | null;
  play(): void;
  pause(): void;
  setSpeed(speed: number): void;
  scrub(seq: number): Promise<void>;
}

/**
 * Plays a recorded job back through the bridge's replay stream (the Nerox stream with `?replay=1&speed=N`,
 * the one the dialects use): pause closes it, play reopens it `after` the cursor, a new speed reopens it at
 * that speed, and a scrub redraws the chart up to the chosen seq before playing on from there.
 */
export function useReplay(jobId: string, total: number, series: Series): Replay {
  const { client } = useSession();
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeedState] = useState(10);
  const [cursor, setCursor] = useState(total);
  const [error, fail] = useFailure();
  const running = useRef<AbortController | null>(null);
  const position = useRef(total);

  const stop = () => {
    running.current?.abort();
    running.current = null;
    setPlaying(false);
  };
  useEffect(() => stop, []);

  const frame = useRef(0);
  // Events can come faster than frames: the controls show the cursor once a frame.
  const moveTo = (seq: number) => {
    position.current = seq;
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      setCursor(position.current);
    });
  };

  const start = async (from: number, atSpeed: number) => {
    stop();
    const controller = new AbortController();
    running.current = controller;
    setPlaying(true);
    if (from === 0) series.model.clear();
    try {
      for await (const event of client.jobs.replayEvents(jobId, { speed: atSpeed, after: from, signal: controller.signal })) {
        if (controller.signal.aborted) break;
        series.model.append(event);
        moveTo(event.seq);
      }
    } catch (failure) {
      if (!controller.signal.aborted) fail(failure);
    } finally {
      if (running.current === controller) stop();
    }
  };

  return {
    playing,
    speed,
    cursor,
    error,
    play: () => void start(position.current >= total ? 0 : position.current, speed),
    pause: stop,
    setSpeed(next) {
      setSpeedState(next);
      if (running.current) void start(position.current, next);
    },
    async scrub(seq) {
      const wasPlaying = running.current !== null;
      stop();
      const target = Math.max(0, Math.min(total, Math.round(seq)));
      await series.showUntil(target).catch(fail);
      moveTo(target);
      if (wasPlaying) void start(target, speed);
    },
  };
}
