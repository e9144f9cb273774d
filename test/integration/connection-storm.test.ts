import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import WebSocket from 'ws';
import { range, submitTsp, TENANT_KEYS, useTestBridge } from '../helpers/bridge.js';
import { watchSeqs } from '../helpers/seq-watcher.js';
import { waitFor } from '../helpers/wait.js';

const STORM_SOCKETS = 1_000;
/** The storm's sockets open in waves this large, one wave per tick of the test's loop, about a second in all. */
const WAVE = 50;

interface StormSocket {
  seqs: number[];
  ended: boolean;
}

/** A Nerox client at the live point (no `?after=`), as a reconnecting dashboard opens one. */
function openAtLivePoint(ws: string, jobId: string): Promise<StormSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${ws}/v1/jobs/${jobId}/stream?token=${TENANT_KEYS.acme}`);
    const state: StormSocket = { seqs: [], ended: false };
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.x_bridge?.seq) state.seqs.push(message.x_bridge.seq);
      if (message.type === 'completed') state.ended = true;
    });
    socket.once('open', () => resolve(state));
    socket.once('error', reject);
  });
}

describe('a connection storm on a running job', () => {
  const suite = useTestBridge('postgres', { configure: (config) => void (config.solver.progressIntervalMs = 20) });

  test('an already-connected client gets every event once, in order; the storm sockets start at the live point without a read each', async () => {
    const { bridge } = suite;
    const jobId = await submitTsp(bridge, 5, 21);
    const connected = watchSeqs(bridge.ws, 'nerox', jobId, 0);
    await waitFor(() => connected.seqs.length >= 3);

    const readsBefore = bridge.bridge.events.queries;
    const storm: StormSocket[] = [];
    for (let opened = 0; opened < STORM_SOCKETS; opened += WAVE) {
      storm.push(...(await Promise.all(Array.from({ length: WAVE }, () => openAtLivePoint(bridge.ws, jobId)))));
    }
    const stormReads = bridge.bridge.events.queries - readsBefore;

    await waitFor(() => connected.ended && storm.every((socket) => socket.ended));
    const lastSeq = connected.seqs.at(-1)!;
    assert.deepEqual(connected.seqs, range(1, lastSeq), 'the connected client: every event once, in order, through the storm');
    for (const socket of storm) {
      assert.deepEqual(socket.seqs, range(socket.seqs[0]!, lastSeq), 'a storm socket: from its live point to the end, none missed or twice');
    }
    // Each socket starts where this node's live topic stands; only a socket that arrives before the job's first
    // event here, or right at its end, would ask the store.
    assert.ok(stormReads <= 2, `${STORM_SOCKETS} sockets at the live point cost ${stormReads} store reads`);
  });
});
