import { Type, type Static } from '@sinclair/typebox';
import type { CampaignProblem } from '../../src/core/problem.js';
import { explained, jsonObject, PROVIDER, validator } from '../../src/server/validation.js';

export interface MatcraftCampaignRequest {
  problem: CampaignProblem;
  provider: string | undefined;
}

/** The campaign spec goes to the MatCraft provider as submitted; only its outer shape is checked here. */
export const CampaignBody = jsonObject(
  {
    name: Type.Optional(Type.String(explained('name must be a string'))),
    provider: PROVIDER,
  },
  { title: 'MatcraftCampaignRequest', description: 'A campaign spec (objectives, parameters, budget…), passed to the MatCraft provider as it is.' },
);

export const campaignValidator = validator(CampaignBody);

export function campaignRequest(body: Static<typeof CampaignBody>, header: string): MatcraftCampaignRequest {
  const { provider, ...spec } = body;
  return { problem: { kind: 'campaign', spec }, provider: provider ?? (header || undefined) };
}

export function parseCampaignRequest(body: unknown, header: string): MatcraftCampaignRequest {
  return campaignRequest(campaignValidator.parse(body), header);
}
