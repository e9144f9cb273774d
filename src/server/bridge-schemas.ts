import { Type, type TSchema } from '@sinclair/typebox';
import { JOB_EVENT_TYPES } from '../core/event.js';
import { JOB_STATUS, SOLUTION, TIME } from './message-schemas.js';
import { explained } from './validation.js';

/** The bridge API's own shapes: the canonical job and event as the store keeps them, and its query fields. */

const nullable = (schema: TSchema) => Type.Union([schema, Type.Null()]);

export const JobResult = Type.Object(
  {
    status: Type.Optional(Type.String({ description: 'Solver verdict: optimal, infeasible, converged, time_limit…' })),
    objective: Type.Optional(Type.Number()),
    solution: Type.Optional(SOLUTION),
    runtimeS: Type.Optional(Type.Number()),
    gpuSeconds: Type.Optional(Type.Number()),
    device: Type.Optional(Type.String()),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { title: 'JobResult' },
);

export const JobError = Type.Object({ code: Type.String(), message: Type.String(), data: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }, { title: 'JobError' });

export const JobEvent = Type.Object(
  {
    jobId: Type.String(),
    seq: Type.Integer({ minimum: 1, description: 'Per job, gap-free, from 1.' }),
    type: Type.Union(JOB_EVENT_TYPES.map((type) => Type.Literal(type))),
    at: TIME,
    iteration: Type.Optional(Type.Number()),
    totalIterations: Type.Optional(Type.Number()),
    progress: Type.Optional(Type.Number()),
    objective: Type.Optional(Type.Number()),
    bestObjective: Type.Optional(Type.Number()),
    bestSolution: Type.Optional(SOLUTION),
    temperature: Type.Optional(Type.Number()),
    gap: Type.Optional(Type.Number()),
    metrics: Type.Optional(Type.Record(Type.String(), Type.Number())),
    stage: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
    result: Type.Optional(JobResult),
    error: Type.Optional(JobError),
    source: Type.Optional(Type.Object({ provider: Type.String(), raw: Type.Optional(Type.Unknown({ description: 'The upstream message as it came.' })) })),
  },
  { title: 'JobEvent', description: 'The canonical event every provider\'s messages become and every dialect encodes from.' },
);

const JOB_FIELDS = {
  id: Type.String(),
  tenantId: Type.String(),
  provider: Type.String(),
  kind: Type.String({ description: 'tsp, qubo, ising, maxcut, lp, campaign or prompt.' }),
  status: JOB_STATUS,
  params: Type.Record(Type.String(), Type.Unknown()),
  upstreamId: nullable(Type.String()),
  lastSeq: Type.Integer({ minimum: 0 }),
  result: nullable(JobResult),
  error: nullable(JobError),
  device: nullable(Type.String()),
  gpuSeconds: nullable(Type.Number()),
  createdAt: TIME,
  updatedAt: TIME,
  finishedAt: nullable(TIME),
};

export const JobSummary = Type.Object(JOB_FIELDS, { title: 'JobSummary' });
export const Job = Type.Object({ ...JOB_FIELDS, problem: Type.Object({ kind: Type.String() }, { description: 'The problem as submitted, in canonical form.' }) }, { title: 'Job' });

export const AuditReport = Type.Object(
  {
    job_id: Type.String(),
    intact: Type.Boolean(),
    events: Type.Integer({ description: 'Events verified.' }),
    head: nullable(Type.Object({ seq: Type.Integer(), hash: Type.String() })),
    broken_at: nullable(Type.Integer()),
    reason: nullable(Type.String()),
    expected_head: Type.Optional(Type.Object({ hash: Type.String(), found: Type.Boolean(), seq: nullable(Type.Integer()) })),
  },
  { title: 'AuditReport' },
);

const range = Type.Object({ min: nullable(Type.Number()), max: nullable(Type.Number()) });
export const Series = Type.Object(
  {
    job_id: Type.String(),
    from: Type.Integer(),
    to: Type.Integer(),
    points: Type.Integer(),
    buckets: Type.Array(
      Type.Object({
        from_seq: Type.Integer(),
        to_seq: Type.Integer(),
        count: Type.Integer(),
        objective: Type.Optional(range),
        bestObjective: Type.Optional(range),
        temperature: Type.Optional(range),
        gap: Type.Optional(range),
      }),
    ),
  },
  { title: 'Series', description: 'Min and max per bucket of seq: spikes survive, and a narrow window reaches single events.' },
);

/** A query's integer field; the message names its range, whatever was wrong. */
export function integerParam(name: string, min: number, max: number, description: string) {
  return Type.Optional(Type.Integer(explained(`${name} must be an integer from ${min} to ${max}`, { minimum: min, maximum: max, description })));
}
