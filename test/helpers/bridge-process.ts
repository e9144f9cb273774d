import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config/paths.js';
import { TENANT_KEYS } from './bridge.js';

export interface BridgeProcess {
  http: string;
  ws: string;
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Everything it printed, stdout and stderr. */
  output(): string;
}

/** The bridge as its own process, started the way `npm run dev` starts it, so a test can signal or kill it. */
export function startBridgeProcess(env: Record<string, string>): Promise<BridgeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'main.ts')], {
    cwd: PROJECT_ROOT,
    // REDIS_URL from the test environment is for the tests' own use: a bridge joins a cluster only when told.
    env: { ...process.env, REDIS_URL: '', PORT: '0', HOST: '127.0.0.1', BRIDGE_API_KEYS: `acme:${TENANT_KEYS.acme},globex:${TENANT_KEYS.globex}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      printed += chunk.toString();
      const port = /optbridge listening on [^:\s]+:(\d+)/.exec(printed)?.[1];
      if (port === undefined) return;
      child.stdout!.off('data', onData);
      child.stdout!.on('data', (more: Buffer) => (printed += more.toString()));
      resolve({ http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}`, child, exited, output: () => printed });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    void exited.then((code) => reject(new Error(`the bridge exited with ${code} before listening:\n${printed}`)));
  });
}
