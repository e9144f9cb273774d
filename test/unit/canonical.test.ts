import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson, MAX_NESTING, storable, TOO_DEEP } from '../../src/core/canonical.js';
import { chainHash } from '../../src/store/event-chain.js';
import { canonicalTime, type JobEvent } from '../../src/core/event.js';

test('canonical JSON sorts keys at every depth and drops undefined', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
});

test('numbers use the shortest round-trip form and non-finite numbers are refused', () => {
  assert.equal(canonicalJson([0.1 + 0.2, 1e21, -0, 5]), '[0.30000000000000004,1e+21,0,5]');
  assert.throws(() => canonicalJson({ x: Number.NaN }), /non-finite/);
});

/** Canonical JSON written out key by key, as the spec reads: what the native serialiser's fast path must match. */
function spelledOut(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : spelledOut(item))).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const record = value as Record<string, unknown>;
  const fields = Object.keys(record).sort().filter((key) => record[key] !== undefined);
  return `{${fields.map((key) => `${JSON.stringify(key)}:${spelledOut(record[key])}`).join(',')}}`;
}

test('canonical JSON of values already in canonical order (the native fast path) is the same bytes as spelled out', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const bytes = spelledOut(value);
      return canonicalJson(value) === bytes && canonicalJson(JSON.parse(bytes)) === bytes;
    }),
    { numRuns: 2000 },
  );
  // Integer-like keys enumerate first, in numeric order, which is not the sorted order.
  assert.equal(canonicalJson({ 10: 'a', 2: 'b', x: 1 }), '{"10":"a","2":"b","x":1}');
  // Not handed to toJSON: a Date is an object without keys, as it always was.
  assert.equal(canonicalJson({ at: new Date(0), list: [undefined, 1] }), '{"at":{},"list":[null,1]}');
  assert.throws(() => canonicalJson({ a: 1, b: Number.POSITIVE_INFINITY }), /non-finite/);
});

test('the hash chain depends on field values and on the previous hash, not on field order', () => {
  const a: JobEvent = { jobId: 'j', seq: 1, type: 'progress', at: '2026-01-01T00:00:00.000Z', objective: 3 };
  const reordered = { objective: 3, at: a.at, type: a.type, seq: 1, jobId: 'j' } as JobEvent;
  assert.equal(chainHash('', a), chainHash('', reordered));
  assert.notEqual(chainHash('', a), chainHash('', { ...a, objective: 4 }));
  assert.notEqual(chainHash('', a), chainHash('00', a));
  assert.match(chainHash('', a), /^[0-9a-f]{64}$/);
});

test('storable turns what no store or hash takes into what JSON.stringify would write, cleaned and bounded', () => {
  const deep = JSON.parse('['.repeat(20_000) + ']'.repeat(20_000));
  const value = storable({ z: Infinity, 'k\u0000': 'a\u0000b\ud800c', list: [NaN, -Infinity, 1.5], deep, gone: undefined });
  assert.deepEqual(Object.keys(value), ['deep', 'k\uFFFD', 'list', 'z']);
  assert.equal(value['k\uFFFD' as keyof typeof value], 'a\uFFFDb\uFFFDc');
  assert.deepEqual(value.list, [null, null, 1.5]);
  assert.equal(value.z, null);
  let level: unknown = value.deep;
  for (let depth = 2; depth < MAX_NESTING; depth++) level = (level as unknown[])[0];
  assert.deepEqual(level, [TOO_DEEP]);
  assert.doesNotThrow(() => canonicalJson(value));
  assert.deepEqual(storable(value), value, 'storing twice changes nothing');
});

test('event times come out as UTC ISO 8601 that Postgres takes, or as the ingest time', () => {
  const now = new Date('2026-11-27T12:00:00.000Z');
  assert.equal(canonicalTime('2026-04-01T10:30:00Z', now), '2026-04-01T10:30:00.000Z');
  assert.equal(canonicalTime('2026-04-01T12:30:00+02:00', now), '2026-04-01T10:30:00.000Z');
  assert.equal(canonicalTime('2026-02-30T10:00:00Z', now), '2026-03-02T10:00:00.000Z', 'Date.parse rolls over what Postgres refuses');
  for (const notATime of ['Tue', '+020000-01-01T00:00:00Z', '', undefined, 1_700_000_000_000]) {
    assert.equal(canonicalTime(notATime, now), now.toISOString(), String(notATime));
  }
});
