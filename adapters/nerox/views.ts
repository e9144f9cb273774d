import { Type, type Static } from '@sinclair/typebox';
import type { Job } from '../../src/core/job.js';
import { JOB_STATUS, SOLUTION, TIME } from '../../src/server/message-schemas.js';

export const NeroxSubmitted = Type.Object(
  { job_id: Type.String(), status: JOB_STATUS, stream_url: Type.String({ description: 'The job\'s WebSocket stream.' }) },
  { title: 'NeroxSubmitted' },
);

export const NeroxCancelling = Type.Object({ job_id: Type.String(), status: Type.Literal('cancelling') }, { title: 'NeroxCancelling' });

const CodedError = Type.Object({ code: Type.String(), message: Type.String(), data: Type.Optional(Type.Record(Type.String(), Type.Unknown())) });

export const NeroxJob = Type.Object(
  {
    job_id: Type.String(),
    status: JOB_STATUS,
    problem_type: Type.String(),
    provider: Type.String(),
    created_at: TIME,
    updated_at: TIME,
    finished_at: Type.Union([TIME, Type.Null()]),
    result: Type.Union([
      Type.Object({
        objective: Type.Optional(Type.Number()),
        solution: Type.Optional(SOLUTION),
        runtime_s: Type.Optional(Type.Number()),
        gpu_seconds: Type.Optional(Type.Number()),
      }),
      Type.Null(),
    ]),
    error: Type.Union([CodedError, Type.Null()]),
    device: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'NeroxJob' },
);

export function jobView(job: Job): Static<typeof NeroxJob> {
  return {
    job_id: job.id,
    status: job.status,
    problem_type: job.kind,
    provider: job.provider,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    finished_at: job.finishedAt,
    result: job.result && {
      objective: job.result.objective,
      solution: job.result.solution,
      runtime_s: job.result.runtimeS,
      gpu_seconds: job.result.gpuSeconds,
    },
    error: job.error,
    device: job.device,
  };
}
