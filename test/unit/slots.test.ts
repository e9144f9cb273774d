import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Slots } from '../../src/core/slots.js';

describe('Slots', () => {
  it('hands out the limit at once, then serves waiters first come first served', async () => {
    const slots = new Slots(2);
    const signal = new AbortController().signal;
    const first = await slots.acquire(signal);
    const second = await slots.acquire(signal);
    assert.equal(slots.available, false);
    const served: string[] = [];
    const third = slots.acquire(signal).then((release) => (served.push('third'), release));
    const fourth = slots.acquire(signal).then((release) => (served.push('fourth'), release));
    second();
    second();
    await third;
    assert.deepEqual(served, ['third'], 'a release frees one slot, however often it is called');
    first();
    (await fourth)();
    assert.deepEqual(served, ['third', 'fourth']);
    (await third)();
    assert.equal(slots.available, true);
  });

  it('drops a waiter whose run ends while it waits, so the next one gets its turn', async () => {
    const slots = new Slots(1);
    const release = await slots.acquire(new AbortController().signal);
    const leaving = new AbortController();
    const gone = slots.acquire(leaving.signal);
    const next = slots.acquire(new AbortController().signal);
    leaving.abort(new Error('run stopped'));
    await assert.rejects(gone, /run stopped/);
    release();
    (await next)();
    assert.equal(slots.available, true);
  });
});
