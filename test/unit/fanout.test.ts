import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobEvent } from '../../src/core/event.js';
import { Fanout, topicOf, type Joiner } from '../../src/hub/fanout.js';

function event(seq: number, type: JobEvent['type'] = 'progress'): JobEvent {
  return { jobId: 'job_1', seq, type, at: new Date(seq * 1000).toISOString(), iteration: seq };
}

function harness(subscribers: Record<string, number>) {
  const published: [string, string][] = [];
  let encodings = 0;
  const encode = (dialect: string) => (e: JobEvent) => {
    encodings++;
    return `${dialect}:${e.seq}`;
  };
  const fanout = new Fanout(
    { publish: (topic, message) => published.push([topic, message]), subscriberCount: (topic) => subscribers[topic] ?? 0 },
    new Map([
      ['nerox', encode('nerox')],
      ['jaot', encode('jaot')],
    ]),
  );
  return { fanout, published, encodings: () => encodings };
}

test('encodes once per dialect with subscribers, never per subscriber, and skips dialects without any', () => {
  const { fanout, published, encodings } = harness({ [topicOf('nerox', 'job_1')]: 1000 });
  fanout.deliver(event(1));
  assert.deepEqual(published, [['nerox/job_1', 'nerox:1']]);
  assert.equal(encodings(), 1);
});

test('a redelivered or older seq is not published twice', () => {
  const { fanout, published } = harness({ 'nerox/job_1': 1 });
  fanout.deliver(event(1));
  fanout.deliver(event(2));
  fanout.deliver(event(2));
  fanout.deliver(event(1));
  assert.deepEqual(published.map(([, m]) => m), ['nerox:1', 'nerox:2']);
});

function recordingJoiner(sentSeq: number, log: string[]): Joiner {
  return { sentSeq, subscribe: () => log.push(`subscribe@${sentSeq}`), resync: () => log.push(`resync@${sentSeq}`) };
}

test('a joiner caught up to the live seq subscribes at once', () => {
  const { fanout } = harness({});
  fanout.deliver(event(1));
  fanout.deliver(event(2));
  const log: string[] = [];
  assert.equal(fanout.join('job_1', recordingJoiner(2, log)), true);
  assert.deepEqual(log, ['subscribe@2']);
});

test('a joiner behind the live seq must read the store again', () => {
  const { fanout } = harness({});
  fanout.deliver(event(3));
  const log: string[] = [];
  assert.equal(fanout.join('job_1', recordingJoiner(2, log)), false);
  assert.deepEqual(log, []);
});

test('a joiner ahead of this node waits and subscribes just before the next seq is published', () => {
  const { fanout } = harness({});
  const log: string[] = [];
  assert.equal(fanout.join('job_1', recordingJoiner(4, log)), true);
  fanout.deliver(event(3));
  fanout.deliver(event(4));
  assert.deepEqual(log, []);
  fanout.deliver(event(5));
  assert.deepEqual(log, ['subscribe@4']);
});

test('a waiting joiner that the stream skips past resyncs instead of missing events', () => {
  const { fanout } = harness({});
  const log: string[] = [];
  fanout.join('job_1', recordingJoiner(4, log));
  fanout.deliver(event(7));
  assert.deepEqual(log, ['resync@4']);
});

test('terminal events reach terminal listeners after they are published', () => {
  const { fanout, published } = harness({ 'nerox/job_1': 1 });
  const seen: number[] = [];
  fanout.onTerminal((e) => seen.push(published.length, e.seq));
  fanout.deliver(event(1));
  fanout.deliver(event(2, 'completed'));
  assert.deepEqual(seen, [2, 2]);
});
