import WebSocket from 'ws';

/**
 * The soak's client side, in its own process so its memory is not the bridge's: opens and closes sockets across
 * the four dialects, `concurrency` at a time, until `total` have come and gone, and reports progress to its parent.
 */
const [base, key, jobsArg, totalArg, concurrencyArg] = process.argv.slice(2) as [string, string, string, string, string];
const jobs = jobsArg.split(',');
const total = Number(totalArg);
const concurrency = Number(concurrencyArg);

function urlFor(i: number): { url: string; subscribe?: string } {
  const jobId = jobs[i % jobs.length]!;
  switch (i % 4) {
    case 0:
      return { url: `${base}/v1/jobs/${jobId}/stream?token=${key}&after=0` };
    case 1:
      return { url: `${base}/api/v2/ws/executions/${jobId}?token=${key}` };
    case 2:
      return { url: `${base}/api/v1/ws/campaigns/${jobId}?token=${key}&after=0` };
    default:
      return { url: `${base}/ws/optimization?token=${key}`, subscribe: JSON.stringify({ type: 'subscribe', jobId, afterEventId: 0 }) };
  }
}

/** One socket: open, read a first message (or the server's close), then close from this side. */
function oneSocket(i: number): Promise<void> {
  const { url, subscribe } = urlFor(i);
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const done = (): void => resolve();
    ws.once('open', () => subscribe && ws.send(subscribe));
    ws.once('message', () => ws.close());
    ws.once('close', done);
    ws.once('error', done);
  });
}

let started = 0;
let finished = 0;
async function lane(): Promise<void> {
  while (started < total) {
    await oneSocket(started++);
    if (++finished % 1000 === 0) process.send?.({ finished });
  }
}
await Promise.all(Array.from({ length: concurrency }, lane));
process.send?.({ finished, done: true });
