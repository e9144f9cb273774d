import type { JobEvent } from '../client/index.js';
import { sparkline } from './sparkline.js';
import { formatDuration } from './terminal.js';

/** What `watch` knows of a job so far, folded from its events in order. */
export class WatchState {
  readonly #timeLimitS: number | undefined;
  readonly #series: number[] = [];
  #startedAt: number | undefined;
  #lastAt: number | undefined;
  #iteration: number | undefined;
  #totalIterations: number | undefined;
  #progress: number | undefined;
  #best: number | undefined;
  #stage: string | undefined;

  constructor(timeLimitS: number | undefined) {
    this.#timeLimitS = timeLimitS;
  }

  add(event: JobEvent): void {
    const at = Date.parse(event.at);
    if (event.type === 'started' || this.#startedAt === undefined) this.#startedAt = at;
    this.#lastAt = at;
    if (event.iteration !== undefined) this.#iteration = event.iteration;
    if (event.totalIterations !== undefined) this.#totalIterations = event.totalIterations;
    if (event.progress !== undefined) this.#progress = event.progress;
    if (event.stage !== undefined) this.#stage = event.stage;
    const best = event.bestObjective ?? event.objective;
    if (best !== undefined && best !== null) {
      this.#best = best;
      this.#series.push(best);
    }
  }

  get elapsedMs(): number {
    return this.#startedAt === undefined || this.#lastAt === undefined ? 0 : this.#lastAt - this.#startedAt;
  }

  /** What the job's completion can be told from: the provider's progress, else the iteration budget, else the time limit. */
  get #basis(): 'progress' | 'iterations' | 'time' | undefined {
    if (this.#progress !== undefined) return 'progress';
    if (this.#iteration !== undefined && this.#totalIterations) return 'iterations';
    return this.#timeLimitS ? 'time' : undefined;
  }

  /** 0..1; undefined when nothing tells. */
  get fraction(): number | undefined {
    switch (this.#basis) {
      case 'progress':
        return clamp(this.#progress!);
      case 'iterations':
        return clamp(this.#iteration! / this.#totalIterations!);
      case 'time':
        return clamp(this.elapsedMs / (this.#timeLimitS! * 1000));
      default:
        return undefined;
    }
  }

  get etaMs(): number | undefined {
    if (this.#basis === 'time') return Math.max(0, this.#timeLimitS! * 1000 - this.elapsedMs);
    const f = this.fraction;
    return f === undefined || f === 0 ? undefined : Math.round((this.elapsedMs * (1 - f)) / f);
  }

  line(): string {
    const parts: string[] = [];
    if (this.#iteration !== undefined) parts.push(`iter ${this.#iteration}${this.#totalIterations ? `/${this.#totalIterations}` : ''}`);
    else if (this.#stage !== undefined) parts.push(this.#stage);
    parts.push(`best ${this.#best === undefined ? '-' : formatNumber(this.#best)}`);
    parts.push(`${formatDuration(this.elapsedMs)} elapsed`);
    const eta = this.etaMs;
    if (eta !== undefined) parts.push(`ETA ${formatDuration(eta)}`);
    const spark = sparkline(this.#series);
    if (spark) parts.push(spark);
    return parts.join(' | ');
  }
}

function clamp(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(6).replace(/\.?0+$/, '');
}
