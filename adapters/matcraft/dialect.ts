import { BridgeError } from '../../src/core/errors.js';
import { unexpectedFrame } from '../../src/server/codec.js';
import { requireOwnJob, requireTenant, routeOptionsFor } from '../../src/server/context.js';
import type { Dialect } from '../../src/server/dialect.js';
import { route } from '../../src/server/http.js';
import { mountJobStream } from '../../src/server/job-stream.js';
import { encodeMatcraft } from './encode.js';
import { MATCRAFT_MESSAGES, type MatcraftMessage } from './messages.js';
import { campaignRequest, campaignValidator } from './schema.js';
import { campaignView, MatcraftCampaign, MatcraftErrorBody } from './views.js';

/** matcraft.txt's connection management; tests shorten the timings. */
export interface MatcraftStreamOptions {
  /** Server ping frames (doc: every 30 s). */
  pingIntervalS?: number;
  /** Close after this long without campaign progress (doc: 10 minutes). */
  idleCloseS?: number;
  /** Simultaneous sockets per API key (doc: 10); `limits.maxSocketsPerKey` from config when not given. */
  maxSocketsPerKey?: number;
}

/** Errors take the shape of the doc's own `error` message: an upper-case code and a message. */
function errorBody(error: BridgeError): unknown {
  return { error: { code: error.code.toUpperCase(), message: error.message } };
}

const campaignNotFound = (id: string): BridgeError => new BridgeError('not_found', `Campaign ${id} not found`);

function errorFrame(error: BridgeError, jobId: string): string {
  const message = error.code === 'not_found' ? `Campaign ${jobId} not found` : error.message;
  const frame: MatcraftMessage = { type: 'error', timestamp: new Date().toISOString(), data: { code: error.code.toUpperCase(), message } };
  return JSON.stringify(frame);
}

export function createMatcraftDialect(options: MatcraftStreamOptions = {}): Dialect {
  const dialect: Dialect = {
    name: 'matcraft',
    encode: encodeMatcraft,
    pathPrefixes: ['/api/v1/campaigns', '/api/v1/ws/campaigns/', '/v1/ws/campaigns/'],
    errorBody,
    mount(ctx) {
      const routeOptions = routeOptionsFor(ctx, errorBody, { tag: 'matcraft', errorSchema: MatcraftErrorBody });

      const createDocs = {
        summary: 'Start a campaign',
        access: 'write' as const,
        body: campaignValidator,
        responses: { 201: { description: 'The campaign, queued.', schema: MatcraftCampaign } },
      };
      route(ctx.app, 'post', '/api/v1/campaigns', routeOptions('POST /api/v1/campaigns', createDocs), async (request, input) => {
        const tenantId = await requireTenant(ctx, request, 'write');
        const { problem, provider } = campaignRequest(input.body(), request.header('x-bridge-provider'));
        const job = await ctx.jobService.submit({ tenantId, problem, params: {}, provider });
        return { status: 201, body: campaignView(job) };
      });

      const campaignDocs = { summary: 'A campaign\'s status', access: 'read' as const, responses: { 200: { description: 'The campaign.', schema: MatcraftCampaign } } };
      route(ctx.app, 'get', '/api/v1/campaigns/:id', routeOptions('GET /api/v1/campaigns/{id}', campaignDocs), async (request) => {
        return { status: 200, body: campaignView(await requireOwnJob(ctx, request, campaignNotFound)) };
      });

      // The doc gives /api/v1 for the hosted service and /v1 for self-hosted deployments; both are served.
      mountJobStream(ctx, dialect, ['/api/v1/ws/campaigns/:id', '/v1/ws/campaigns/:id'], {
        errorFrame,
        onMessage: (text) => {
          throw unexpectedFrame(text, 'the campaign stream takes no client messages');
        },
        // The doc is silent; nothing follows the end, and an open socket counts against the per-key limit.
        closeAfterTerminal: true,
        acceptsAfter: true,
        pingIntervalS: options.pingIntervalS ?? 30,
        idleCloseS: options.idleCloseS ?? 600,
        maxSocketsPerKey: options.maxSocketsPerKey ?? ctx.config.limits.maxSocketsPerKey,
        docs: {
          summary: 'A campaign\'s iterations, evaluations and end',
          description: 'Pings every 30 s; closes after 10 minutes without progress and after campaign_complete or error.',
          send: MATCRAFT_MESSAGES,
          receive: [],
        },
      });
    },
  };
  return dialect;
}

export const matcraftDialect = createMatcraftDialect();
