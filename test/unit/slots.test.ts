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

describe('Slots shared by several owners', () => {
  it("gives a freed slot to the owner holding the fewest, so one owner's long queue never starves another", async () => {
    const slots = new Slots(2);
    const signal = new AbortController().signal;
    const running = [await slots.acquire(signal, 'a'), await slots.acquire(signal, 'a')];
    const served: string[] = [];
    const waiting = [
      ...Array.from({ length: 50 }, (_, i) => slots.acquire(signal, 'a').then((release) => (served.push(`a${i}`), release))),
      slots.acquire(signal, 'b').then((release) => (served.push('b'), release)),
    ];
    running[0]!();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(served, ['b'], "b holds none of the slots and a holds one: b's first job goes next");
    running[1]!();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(served, ['b', 'a0']);
    for (const pending of waiting) void pending.then((release) => release());
    await Promise.all(waiting);
    assert.equal(served.length, 51);
    assert.equal(slots.available, true);
  });

  it('lets owners with as many slots take turns', async () => {
    const slots = new Slots(1);
    const signal = new AbortController().signal;
    const first = await slots.acquire(signal, 'a');
    const served: string[] = [];
    const queue = ['a', 'a', 'b', 'b', 'c'].map((owner) =>
      slots.acquire(signal, owner).then((release) => {
        served.push(owner);
        release();
      }),
    );
    first();
    await Promise.all(queue);
    assert.deepEqual(served, ['a', 'b', 'c', 'a', 'b'], 'each owner once before anyone twice');
  });
});
