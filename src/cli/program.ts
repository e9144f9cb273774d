import { Command, InvalidArgumentError, Option } from 'commander';
import { Client } from '../client/index.js';
import { BridgeClientError } from '../client/errors.js';

export const DEFAULT_URL = 'http://localhost:8080';

/** The SDK client for the global `--url` and `--key` (or OPTBRIDGE_URL and OPTBRIDGE_KEY). */
export function clientOf(command: Command): Client {
  const { url, key } = command.optsWithGlobals<{ url: string; key?: string }>();
  if (!key) throw new BridgeClientError('unauthorized', 'no API key: pass --key or set OPTBRIDGE_KEY');
  return new Client({ url, key });
}

/** Option parsers: commander reports their refusal in one line, naming the option. */
export function integer(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('must be a non-negative integer.');
  return n;
}

export function nonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a non-negative number.');
  return n;
}

export function newProgram(): Command {
  return new Command('optbridge')
    .description('Watch, audit and replay the jobs of an optbridge bridge.')
    .addOption(new Option('--url <url>', 'the bridge').env('OPTBRIDGE_URL').default(DEFAULT_URL))
    .addOption(new Option('--key <key>', "an API key of the tenant whose jobs to see").env('OPTBRIDGE_KEY'))
    .configureOutput({ outputError: (text, write) => write(text.split('\n')[0]!.replace(/^error: /, 'optbridge: ') + '\n') });
}
