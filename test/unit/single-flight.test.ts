import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SingleFlight } from '../../src/core/single-flight.js';

function counted<V>(value: V): { calls: number; call: () => Promise<V> } {
  const counter = { calls: 0, call: async () => (counter.calls++, value) };
  return counter;
}

test('asks made while a call is in flight share it; without keepMs the next ask calls again', async () => {
  const flight = new SingleFlight<number>();
  const lookup = counted(7);
  assert.deepEqual(await Promise.all([flight.run('a', lookup.call), flight.run('a', lookup.call)]), [7, 7]);
  assert.equal(lookup.calls, 1);
  await flight.run('a', lookup.call);
  assert.equal(lookup.calls, 2);
});

test('with keepMs an answer serves later asks until it is that old, then the key is looked up again', async () => {
  const flight = new SingleFlight<string>({ keepMs: 60 });
  const lookup = counted('job');
  await flight.run('k', lookup.call);
  await flight.run('k', lookup.call);
  assert.equal(lookup.calls, 1);
  await flight.run('other', lookup.call);
  assert.equal(lookup.calls, 2, 'another key is its own lookup');
  await sleep(80);
  await flight.run('k', lookup.call);
  assert.equal(lookup.calls, 3);
});

test('answers keepIf refuses are never kept, and a failed call is never kept', async () => {
  const flight = new SingleFlight<string | undefined>({ keepMs: 10_000, keepIf: (value) => value !== undefined });
  const missing = counted<string | undefined>(undefined);
  await flight.run('k', missing.call);
  await flight.run('k', missing.call);
  assert.equal(missing.calls, 2);
  await assert.rejects(flight.run('f', () => Promise.reject(new Error('down'))), /down/);
  assert.equal(await flight.run('f', async () => 'back'), 'back');
});
