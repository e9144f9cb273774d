import { Session } from 'node:inspector/promises';

/**
 * Counts calls to one function on this thread through V8's precise coverage. A worker thread is an
 * isolate of its own, so its calls never show here: a zero means the work happened elsewhere.
 */
export class MainThreadCalls {
  readonly #session = new Session();

  async start(): Promise<void> {
    this.#session.connect();
    await this.#session.post('Profiler.enable');
    await this.#session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
  }

  /** Calls to `functionName` in the module whose URL ends with `file` since the last take; each take resets the counts. */
  async take(file: string, functionName: string): Promise<number> {
    const { result } = await this.#session.post('Profiler.takePreciseCoverage');
    let calls = 0;
    for (const script of result) {
      if (!script.url.endsWith(file)) continue;
      for (const fn of script.functions) if (fn.functionName === functionName) calls += fn.ranges[0]?.count ?? 0;
    }
    return calls;
  }

  async stop(): Promise<void> {
    await this.#session.post('Profiler.stopPreciseCoverage');
    this.#session.disconnect();
  }
}
