import type { JobEvent } from '../core/event.js';
import type { Encoder } from '../hub/fanout.js';
import type { CanonicalPage } from '../store/event-page.js';
import { encodePage } from './feed.js';

type Pages = AsyncIterable<readonly JobEvent[]>;

/** One chunk per store page, so a long export costs one write per page, not one per event. */
async function* linesPerPage(pages: Pages, line: (event: JobEvent) => string | null): AsyncGenerator<string> {
  for await (const page of pages) {
    let chunk = '';
    for (const event of page) {
      const text = line(event);
      if (text !== null) chunk += `${text}\n`;
    }
    if (chunk !== '') yield chunk;
  }
}

/** Canonical events, keys sorted: each line is the bytes the event's hash covers, as the store keeps them. */
export async function* canonicalNdjson(pages: AsyncIterable<CanonicalPage>): AsyncGenerator<string> {
  for await (const page of pages) if (page.text !== '') yield page.text;
}

/** A dialect's messages: the same encoder, and for a shared page the same encoding, as live and replay. */
export async function* ndjson(pages: Pages, encode: Encoder): AsyncGenerator<string> {
  for await (const page of pages) {
    let chunk = '';
    for (const message of encodePage(page, encode)) if (message !== null) chunk += `${message}\n`;
    if (chunk !== '') yield chunk;
  }
}

const CSV_COLUMNS = [
  'seq', 'type', 'at', 'iteration', 'totalIterations', 'progress', 'objective', 'bestObjective',
  'temperature', 'gap', 'stage', 'message',
] as const;

const SCALAR: ReadonlySet<string> = new Set<string>(CSV_COLUMNS);

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(event: JobEvent): string {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (!SCALAR.has(key) && key !== 'jobId' && key !== 'source' && value !== undefined) extra[key] = value;
  }
  const cells = CSV_COLUMNS.map((column) => csvCell(event[column]));
  cells.push(Object.keys(extra).length > 0 ? csvCell(extra) : '');
  return cells.join(',');
}

/**
 * One row per event with the scalar fields as columns, for spreadsheets and convergence plots; the
 * structured fields (solution, metrics, result, error) go whole into the last column as JSON.
 */
export async function* csv(pages: Pages): AsyncGenerator<string> {
  yield `${[...CSV_COLUMNS, 'extra'].join(',')}\n`;
  yield* linesPerPage(pages, csvRow);
}
