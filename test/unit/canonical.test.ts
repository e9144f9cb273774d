import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from '../../src/core/canonical.js';
import { chainHash } from '../../src/ingest/session.js';
import type { JobEvent } from '../../src/core/event.js';

test('canonical JSON sorts keys at every depth and drops undefined', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
});

test('numbers use the shortest round-trip form and non-finite numbers are refused', () => {
  assert.equal(canonicalJson([0.1 + 0.2, 1e21, -0, 5]), '[0.30000000000000004,1e+21,0,5]');
  assert.throws(() => canonicalJson({ x: Number.NaN }), /non-finite/);
});

test('the hash chain depends on field values and on the previous hash, not on field order', () => {
  const a: JobEvent = { jobId: 'j', seq: 1, type: 'progress', at: '2026-01-01T00:00:00.000Z', objective: 3 };
  const reordered = { objective: 3, at: a.at, type: a.type, seq: 1, jobId: 'j' } as JobEvent;
  assert.equal(chainHash('', a), chainHash('', reordered));
  assert.notEqual(chainHash('', a), chainHash('', { ...a, objective: 4 }));
  assert.notEqual(chainHash('', a), chainHash('00', a));
  assert.match(chainHash('', a), /^[0-9a-f]{64}$/);
});
