/** Child processes of the end-to-end fan-out bench, and request/reply over their IPC channel. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Child<Request, Reply extends { type: string }> {
  send(request: Request): void;
  next<T extends Reply['type']>(type: T, timeoutMs: number): Promise<Extract<Reply, { type: T }>>;
  stop(): Promise<void>;
}

export function forkChild<Request, Reply extends { type: string }>(script: string, args: string[], execArgv: string[] = []): Child<Request, Reply> {
  const process_: ChildProcess = fork(fileURLToPath(new URL(script, import.meta.url)), args, {
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: Reply[] = [];
  const waiters: Array<() => void> = [];
  process_.on('message', (message: Reply) => {
    inbox.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<void>((resolve) => process_.once('exit', () => resolve()));
  return {
    send: (request) => void process_.send(request as object),
    async next(type, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = inbox.findIndex((message) => message.type === type);
        if (index >= 0) return inbox.splice(index, 1)[0] as never;
        if (process_.exitCode !== null) throw new Error(`${script} exited (${process_.exitCode}) before replying ${type}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${script} did not reply ${type} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => (clearTimeout(timer), resolve()));
          process_.once('exit', () => (clearTimeout(timer), resolve()));
        });
      }
    },
    async stop() {
      if (process_.exitCode === null && process_.signalCode === null) process_.kill('SIGKILL');
      await exited;
    },
  };
}
