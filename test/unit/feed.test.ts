import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import type { JobEvent } from '../../src/core/event.js';
import type { ServerContext } from '../../src/server/context.js';
import { catchUpThenJoin, type Feed } from '../../src/server/feed.js';
import type { SocketState } from '../../src/server/socket-io.js';
import type { WebSocket } from '../../src/server/uws.js';

test('catch-up backs off while the store lags behind the live topic, and stops with its socket', async () => {
  let reads = 0;
  const state = { closed: false } as SocketState;
  const ctx = {
    events: {
      read: async (): Promise<JobEvent[]> => {
        reads++;
        await yieldToLoop();
        return [];
      },
    },
    // Live is always past what the store returns, as while a batch is still committing.
    fanout: { join: () => false, lastSeq: () => 1 },
  } as unknown as ServerContext;
  const ws = { getUserData: () => state } as unknown as WebSocket<SocketState>;
  const feed: Feed = {
    jobId: 'job_lagging',
    topic: 'nerox/job_lagging',
    live: false,
    cancelled: false,
    sendHistory: async () => true,
    onHistoryTerminal: () => {},
    fail: (error) => assert.fail(String(error)),
  };
  const following = catchUpThenJoin(ctx, ws, feed, 0);
  await sleep(400);
  state.closed = true;
  await following;
  assert.ok(reads >= 3, `re-read ${reads} times`);
  assert.ok(reads < 30, `re-read ${reads} times in 400 ms: spinning on the store`);
});
