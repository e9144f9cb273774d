import { Type, type Static } from '@sinclair/typebox';
import { X_BRIDGE_EXTRA } from '../../src/server/message-schemas.js';
import { JaotResult } from './messages.js';

export const JaotSubmitted = Type.Object(
  { task_id: Type.String(), ws_url: Type.String({ description: 'Path of the execution\'s WebSocket.' }), status: Type.String() },
  { title: 'JaotSubmitted' },
);

/** `GET /api/v2/solve/async/{task_id}`: what the doc's `poll_for_result` reads. */
export const JaotTask = Type.Object(
  {
    task_id: Type.String(),
    status: Type.String({ description: 'pending, running, completed, failed or cancelled.' }),
    progress: Type.Number({ minimum: 0, maximum: 1 }),
    result: Type.Union([JaotResult, Type.Null()]),
    error: Type.Union([Type.String(), Type.Null()]),
    x_bridge: X_BRIDGE_EXTRA,
  },
  { title: 'JaotTask' },
);
export type JaotTask = Static<typeof JaotTask>;

export const JaotCancelling = Type.Object({ task_id: Type.String(), status: Type.Literal('cancelling') }, { title: 'JaotCancelling' });

export const JaotErrorBody = Type.Object({ detail: Type.String() }, { title: 'JaotErrorBody', description: 'FastAPI\'s error shape.' });
