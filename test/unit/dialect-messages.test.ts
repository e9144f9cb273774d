import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { BridgeError } from '../../src/core/errors.js';
import { encodeJaot, statusGreeting } from '../../adapters/jaot/encode.js';
import { JAOT_MESSAGES } from '../../adapters/jaot/messages.js';
import { encodeMatcraft } from '../../adapters/matcraft/encode.js';
import { MATCRAFT_MESSAGES } from '../../adapters/matcraft/messages.js';
import { encodeMutagent, encodeReplay, errorFrame as mutagentErrorFrame, serverMessage } from '../../adapters/mutagent/encode.js';
import { MUTAGENT_MESSAGES } from '../../adapters/mutagent/messages.js';
import { encodeNerox } from '../../adapters/nerox/encode.js';
import { NEROX_MESSAGES } from '../../adapters/nerox/messages.js';
import { DIALECTS } from '../../adapters/index.js';
import { sampleEvents } from '../helpers/sample-events.js';

/** The one message schema a frame fits; a frame that fits none, or several, is a schema that drifted. */
function schemaOf(messages: readonly TSchema[], text: string): string {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    frame = text;
  }
  const fits = messages.filter((schema) => TypeCompiler.Compile(schema).Check(frame));
  assert.equal(fits.length, 1, `${text} fits ${fits.map((s) => s.title).join(', ') || 'no message schema'}`);
  return fits[0]!.title as string;
}

const events = sampleEvents();
const refusal = new BridgeError('not_found', 'job job_x not found');

/** What each dialect's sockets send: every canonical event type through its encoder, and its other frames. */
const FRAMES: Record<string, { messages: readonly TSchema[]; frames: string[] }> = {
  nerox: {
    messages: NEROX_MESSAGES,
    frames: [...events.map(encodeNerox), JSON.stringify({ type: 'error', error: { code: refusal.code, message: refusal.message } })],
  },
  jaot: {
    messages: JAOT_MESSAGES,
    frames: [
      ...events.map(encodeJaot),
      statusGreeting({ id: 'job_sample', status: 'queued' }, undefined),
      statusGreeting({ id: 'job_sample', status: 'running' }, events[4]),
      JSON.stringify({ type: 'error', message: 'Execution job_x not found', x_bridge: { code: 'not_found' } }),
      'pong',
    ],
  },
  matcraft: {
    messages: MATCRAFT_MESSAGES,
    frames: [...events.map(encodeMatcraft), JSON.stringify({ type: 'error', timestamp: events[0]!.at, data: { code: 'NOT_FOUND', message: 'Campaign job_x not found' } })],
  },
  mutagent: {
    messages: MUTAGENT_MESSAGES,
    frames: [
      ...events.map(encodeMutagent),
      encodeReplay('job_sample', events),
      encodeReplay('job_sample', []),
      serverMessage({ type: 'subscribed', jobId: 'job_sample' }),
      serverMessage({ type: 'unsubscribed', jobId: 'job_sample' }),
      serverMessage({ type: 'pong' }),
      mutagentErrorFrame(new BridgeError('not_found', 'Job not found', { jobId: 'job_x' })),
      mutagentErrorFrame(new BridgeError('invalid_request', 'Invalid message: not valid JSON')),
    ],
  },
};

describe('every WebSocket message a dialect sends has its schema, and every schema is sent', () => {
  test('the dialects are the ones the bridge serves', () => {
    assert.deepEqual(Object.keys(FRAMES).sort(), DIALECTS.map((d) => d.name).sort());
  });

  for (const [dialect, { messages, frames }] of Object.entries(FRAMES)) {
    test(dialect, () => {
      const sent = new Set(frames.map((frame) => schemaOf(messages, frame)));
      assert.deepEqual([...sent].sort(), messages.map((m) => m.title as string).sort());
    });
  }
});
