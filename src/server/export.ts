import type { JobEvent } from '../core/event.js';
import type { Encoder } from '../hub/fanout.js';

const LINES_PER_CHUNK = 200;

/** Groups lines into chunks so a long export costs a few hundred writes, not one per event. */
async function* chunked(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let buffer: string[] = [];
  for await (const line of lines) {
    buffer.push(line);
    if (buffer.length >= LINES_PER_CHUNK) {
      yield buffer.join('');
      buffer = [];
    }
  }
  if (buffer.length > 0) yield buffer.join('');
}

/** Canonical events, or a dialect's messages when `encode` is given: the same encoder as live and replay. */
export function ndjson(events: AsyncIterable<JobEvent>, encode?: Encoder): AsyncGenerator<string> {
  return chunked(
    (async function* () {
      for await (const event of events) {
        const line = encode ? encode(event) : JSON.stringify(event);
        if (line !== null) yield `${line}\n`;
      }
    })(),
  );
}

const CSV_COLUMNS = [
  'seq', 'type', 'at', 'iteration', 'totalIterations', 'progress', 'objective', 'bestObjective',
  'temperature', 'gap', 'stage', 'message',
] as const;

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One row per event with the scalar fields as columns, for spreadsheets and convergence plots; the
 * structured fields (solution, metrics, result, error) go whole into the last column as JSON.
 */
export function csv(events: AsyncIterable<JobEvent>): AsyncGenerator<string> {
  const scalar = new Set<string>(CSV_COLUMNS);
  return chunked(
    (async function* () {
      yield `${[...CSV_COLUMNS, 'extra'].join(',')}\n`;
      for await (const event of events) {
        const extra: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(event)) {
          if (!scalar.has(key) && key !== 'jobId' && key !== 'source' && value !== undefined) extra[key] = value;
        }
        const cells = CSV_COLUMNS.map((column) => csvCell(event[column]));
        cells.push(Object.keys(extra).length > 0 ? csvCell(extra) : '');
        yield `${cells.join(',')}\n`;
      }
    })(),
  );
}
