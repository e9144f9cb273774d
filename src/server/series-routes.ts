import { Type } from '@sinclair/typebox';
import { sql, type Kysely } from 'kysely';
import { invalid, type BridgeError } from '../core/errors.js';
import { requireOwnJob, routeOptionsFor, type ServerContext } from './context.js';
import { integerParam, Series } from './bridge-schemas.js';
import { route } from './http.js';
import { CODED_ERROR } from './message-schemas.js';
import { validator } from './validation.js';
import type { Database } from '../store/schema.js';

const SERIES_FIELDS = ['objective', 'bestObjective', 'temperature', 'gap', 'iteration'] as const;
const MAX_POINTS = 10_000;
/** Upstream `gap` markers are rare (one per lost stretch of a vendor's stream); more than this in one window is listed no further. */
const MAX_GAP_MARKERS = 1_000;

/** A field's smallest and largest value among a bucket's events. */
export interface Extremes {
  min: number;
  max: number;
}

/** One bucket of seq; `at_ms` is its events' times in epoch milliseconds. A field no event in it has is absent. */
export type SeriesBucket = { from_seq: number; to_seq: number; count: number } & Partial<Record<(typeof SERIES_FIELDS)[number] | 'at_ms', Extremes>>;

/** An upstream `gap` event in the window: where the provider's stream lost messages, for the chart to mark. */
export interface GapMarker {
  seq: number;
  at: string;
  message: string | null;
}

const seriesQuery = validator(
  Type.Object({
    points: integerParam('points', 1, MAX_POINTS, 'Buckets wanted (default 500).'),
    from: integerParam('from', 1, Number.MAX_SAFE_INTEGER, 'First seq of the window (default 1).'),
    to: integerParam('to', 1, Number.MAX_SAFE_INTEGER, 'Last seq of the window (default the job\'s last).'),
  }),
  'query',
);

function errorBody(error: BridgeError): unknown {
  return { error: { code: error.code, message: error.message, ...(error.details && { details: error.details }) } };
}

/**
 * Min and max per bucket of seq, computed in SQL so a 100 000-event job reaches the chart as a few
 * hundred rows; keeping both extremes is what lets a one-event spike survive the downsample, and a
 * window narrower than `points` gives one bucket per event.
 */
async function series(db: Kysely<Database>, jobId: string, points: number, from: number, to: number): Promise<SeriesBucket[]> {
  const span = to - from + 1;
  const bucket = sql<number>`floor((seq - ${from})::float8 * ${points} / ${span})::int`;
  const extremes = SERIES_FIELDS.flatMap((field) => [
    sql`min((event->>${field})::float8)`.as(`${field}_min`),
    sql`max((event->>${field})::float8)`.as(`${field}_max`),
  ]);
  // Epoch milliseconds of the bucket's first and last event, so a chart can place it on a time axis.
  const times = [sql`extract(epoch from min(at)) * 1000`.as('at_ms_min'), sql`extract(epoch from max(at)) * 1000`.as('at_ms_max')];
  const rows = await db
    .selectFrom('events')
    .select([bucket.as('bucket'), sql<number>`min(seq)`.as('from_seq'), sql<number>`max(seq)`.as('to_seq'), sql<number>`count(*)::int`.as('count'), ...extremes, ...times])
    .where('job_id', '=', jobId)
    .where('seq', '>=', from)
    .where('seq', '<=', to)
    .where(sql<boolean>`(jsonb_typeof(event->'objective') = 'number' or jsonb_typeof(event->'bestObjective') = 'number')`)
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();
  return rows.map((row) => {
    const values = row as unknown as Record<string, number | null>;
    const out: SeriesBucket = { from_seq: Number(row.from_seq), to_seq: Number(row.to_seq), count: Number(row.count) };
    for (const field of [...SERIES_FIELDS, 'at_ms'] as const) {
      const min = values[`${field}_min`] ?? null;
      if (min !== null) out[field] = { min: Number(min), max: Number(values[`${field}_max`]) };
    }
    return out;
  });
}

async function gapMarkers(db: Kysely<Database>, jobId: string, from: number, to: number): Promise<GapMarker[]> {
  const rows = await db
    .selectFrom('events')
    .select(['seq', 'at', sql<string | null>`event->>'message'`.as('message')])
    .where('job_id', '=', jobId)
    .where('seq', '>=', from)
    .where('seq', '<=', to)
    .where('type', '=', 'gap')
    .orderBy('seq')
    .limit(MAX_GAP_MARKERS)
    .execute();
  return rows.map((row) => ({ seq: Number(row.seq), at: row.at.toISOString(), message: row.message }));
}

/** The series route's answer: the window asked for, its buckets in seq order and the gap markers in it. */
export interface SeriesReport {
  job_id: string;
  from: number;
  to: number;
  points: number;
  buckets: SeriesBucket[];
  gaps: GapMarker[];
}

/** `GET /bridge/v1/jobs/{id}/series?points=&from=&to=`: the convergence chart's data, downsampled by seq. */
export function mountSeriesRoutes(ctx: ServerContext, db: Kysely<Database>): void {
  const options = routeOptionsFor(ctx, errorBody, { tag: 'bridge', errorSchema: CODED_ERROR });
  const docs = { summary: 'A job\'s convergence series, downsampled by seq', access: 'read' as const, query: seriesQuery, responses: { 200: { description: 'The buckets.', schema: Series } } };
  route(ctx.app, 'get', '/bridge/v1/jobs/:id/series', options('GET /bridge/v1/jobs/{id}/series', docs), async (request, input) => {
    const job = await requireOwnJob(ctx, request);
    const { points = 500, from = 1, to = Math.max(job.lastSeq, from) } = input.query();
    if (to < from) throw invalid('to must not be below from');
    const [buckets, gaps] = await Promise.all([series(db, job.id, points, from, to), gapMarkers(db, job.id, from, to)]);
    const body: SeriesReport = { job_id: job.id, from, to, points, buckets, gaps };
    return { status: 200, body };
  });
}
