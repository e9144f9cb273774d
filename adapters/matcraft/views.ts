import { Type, type Static } from '@sinclair/typebox';
import type { Job } from '../../src/core/job.js';
import { JOB_STATUS, TIME, X_BRIDGE_EXTRA } from '../../src/server/message-schemas.js';

/** `GET /api/v1/campaigns/{id}`; the doc shows no REST shapes, so this stays close to its stream fields. */
export const MatcraftCampaign = Type.Object(
  {
    id: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    status: JOB_STATUS,
    created_at: TIME,
    updated_at: TIME,
    finished_at: Type.Union([TIME, Type.Null()]),
    error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
    x_bridge: X_BRIDGE_EXTRA,
  },
  { title: 'MatcraftCampaign' },
);
export type MatcraftCampaign = Static<typeof MatcraftCampaign>;

export const MatcraftErrorBody = Type.Object(
  { error: Type.Object({ code: Type.String({ description: 'Upper case, as the doc\'s error message has it.' }), message: Type.String() }) },
  { title: 'MatcraftErrorBody' },
);

export function campaignView(job: Job): MatcraftCampaign {
  const name = job.problem.kind === 'campaign' ? job.problem.spec.name : undefined;
  return {
    id: job.id,
    name: typeof name === 'string' ? name : null,
    status: job.status,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    finished_at: job.finishedAt,
    error: job.error && { code: job.error.code, message: job.error.message },
    x_bridge: { provider: job.provider, kind: job.kind, result: job.result },
  };
}
