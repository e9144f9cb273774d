import { Type, type Static } from '@sinclair/typebox';
import type { Job } from '../../src/core/job.js';
import { compact } from '../../src/core/json.js';
import { JOB_STATUS, TIME, X_BRIDGE_EXTRA } from '../../src/server/message-schemas.js';

/** A job in Mutagent's camelCase; what only the bridge knows travels under `x_bridge`. */
export const MutagentJob = Type.Object(
  {
    jobId: Type.String(),
    status: JOB_STATUS,
    promptId: Type.Optional(Type.String()),
    datasetId: Type.Optional(Type.String()),
    createdAt: TIME,
    updatedAt: TIME,
    completedAt: Type.Optional(TIME),
    resultPromptId: Type.Optional(Type.Unknown()),
    finalScore: Type.Optional(Type.Number()),
    error: Type.Optional(Type.String()),
    x_bridge: X_BRIDGE_EXTRA,
  },
  { title: 'MutagentJob' },
);

/** Mutagent's error bodies are a bare message: `{"error": "Job not found"}`. */
export const MutagentErrorBody = Type.Object({ error: Type.String() }, { title: 'MutagentErrorBody' });

export function jobView(job: Job): Static<typeof MutagentJob> {
  const spec: Record<string, unknown> = job.problem.kind === 'prompt' ? job.problem.spec : {};
  return compact({
    jobId: job.id,
    status: job.status,
    promptId: spec.promptId as string | undefined,
    datasetId: spec.datasetId as string | undefined,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    completedAt: job.finishedAt ?? undefined,
    resultPromptId: job.result?.data?.resultPromptId,
    finalScore: job.result?.objective,
    error: job.error?.message,
    x_bridge: { provider: job.provider, kind: job.kind, lastEventId: job.lastSeq },
  });
}
