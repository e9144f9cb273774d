/** Delays between retries: capped exponential growth with full jitter. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/**
 * Full jitter (a uniform draw below the capped exponential ceiling) rather than a fixed schedule: after a vendor
 * outage, the bridge's many sessions spread their reconnects instead of arriving together.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** Waits `ms`, or less when `signal` aborts first; never rejects, so callers check the signal afterwards. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
