import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { JobEvent, Outcome } from '../../client/index.js';
import { WatchState } from '../progress-line.js';
import { clientOf } from '../program.js';
import { decorates, note, out } from '../terminal.js';

/** `watch`'s exit status by how the job ended; 1 is any error of the command itself. */
export const EXIT_BY_OUTCOME: Record<Outcome['status'], number> = { completed: 0, cancelled: 2, failed: 3 };

/** Without a terminal, a line at most this often, so a log does not get one per event. */
const PLAIN_LINE_EVERY_MS = 1_000;
const BAR_SCALE = 1000;

interface Display {
  update(state: WatchState): void;
  stop(): void;
}

function barDisplay(): Display {
  const bar = new SingleBar({
    format: '{bar} {percentage}% | {line}',
    stream: process.stderr,
    hideCursor: true,
    barsize: 20,
    barCompleteChar: '█',
    barIncompleteChar: '░',
  });
  const plain = new SingleBar({ format: '{line}', stream: process.stderr, hideCursor: true });
  let active: SingleBar | undefined;
  return {
    update(state) {
      const fraction = state.fraction;
      const wanted = fraction === undefined ? plain : bar;
      if (active !== wanted) {
        active?.stop();
        active = wanted;
        active.start(BAR_SCALE, 0, { line: '' });
      }
      active.update(Math.round((fraction ?? 0) * BAR_SCALE), { line: state.line() });
    },
    stop: () => active?.stop(),
  };
}

function plainDisplay(): Display {
  let lastWrite = 0;
  let pending: WatchState | undefined;
  return {
    update(state) {
      pending = state;
      if (Date.now() - lastWrite < PLAIN_LINE_EVERY_MS) return;
      lastWrite = Date.now();
      pending = undefined;
      note(state.line());
    },
    stop() {
      if (pending) note(pending.line());
    },
  };
}

function summary(event: JobEvent): string {
  if (event.type === 'completed') {
    const { objective, runtimeS } = event.result ?? {};
    return `completed: objective ${objective ?? '-'}${runtimeS === undefined ? '' : ` in ${runtimeS.toFixed(2)}s`}`;
  }
  if (event.type === 'failed') return `failed: ${event.error?.code ?? 'error'}: ${event.error?.message ?? ''}`.trimEnd();
  return 'cancelled';
}

export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description('follow a job live: iteration, best objective, elapsed, ETA, sparkline; exit 0 completed, 1 error, 2 cancelled, 3 failed')
    .argument('<id>', 'job id')
    .option('--json', 'print the terminal event as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const client = clientOf(command);
      const job = await client.jobs.get(id);
      const state = new WatchState(job.params.timeLimitS);
      const display = decorates(process.stderr) ? barDisplay() : plainDisplay();
      let terminal: JobEvent | undefined;
      try {
        for await (const event of client.jobs.handle(id).stream()) {
          state.add(event);
          if (event.type === 'completed' || event.type === 'failed' || event.type === 'cancelled') terminal = event;
          display.update(state);
        }
      } finally {
        display.stop();
      }
      if (!terminal) return;
      out(options.json ? JSON.stringify(terminal) : summary(terminal));
      process.exitCode = EXIT_BY_OUTCOME[terminal.type as Outcome['status']];
    });
}
