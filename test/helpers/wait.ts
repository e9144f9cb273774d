import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `probe` until it yields a value; the test runner's timeout bounds a wait that never ends. */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await sleep(10);
  }
}
