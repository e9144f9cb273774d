import { invalid } from '../../src/core/errors.js';
import type { CampaignProblem } from '../../src/core/problem.js';
import { isRecord, takeProvider } from '../../src/core/json.js';

/** Every message on `/api/v1/ws/campaigns/{id}`, as matcraft.txt shows them: `{type, timestamp, data}`. */
export type MatcraftMessage = {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
};

/** `GET /api/v1/campaigns/{id}`; the doc shows no REST shapes, so this stays close to its stream fields. */
export type MatcraftCampaign = {
  id: string;
  name: string | null;
  status: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  error: { code: string; message: string } | null;
  x_bridge: Record<string, unknown>;
};

export interface MatcraftCampaignRequest {
  problem: CampaignProblem;
  provider: string | undefined;
}

/** The campaign spec goes to the MatCraft provider as submitted; only its outer shape is checked here. */
export function parseCampaignRequest(body: unknown, header: string): MatcraftCampaignRequest {
  if (!isRecord(body)) throw invalid('request body must be a JSON object');
  const { provider, rest: spec } = takeProvider(body, header);
  if (spec.name !== undefined && typeof spec.name !== 'string') throw invalid('name must be a string');
  return { problem: { kind: 'campaign', spec }, provider };
}
