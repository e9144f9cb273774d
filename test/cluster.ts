/**
 * `npm run cluster`: three bridge nodes on consecutive ports (CLUSTER_PORT, default 8080, 8081, 8082) against the
 * local Postgres and Redis (DATABASE_URL and REDIS_URL, defaults the local servers), so a newcomer can watch a
 * job from one node that another runs, kill a node and see its jobs taken over. One API key for every node is
 * printed (BRIDGE_API_KEYS when set). Ctrl-C stops them gracefully.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/config/paths.js';

const NODES = 3;
const basePort = Number(process.env.CLUSTER_PORT ?? 8080);
const key = `cluster_${randomBytes(18).toString('base64url')}`;
const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  BRIDGE_API_KEYS: process.env.BRIDGE_API_KEYS ?? `default:${key}`,
};

function startNode(index: number): Promise<ChildProcess> {
  const name = `node-${index + 1}`;
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'main.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...env, PORT: String(basePort + index), BRIDGE_NODE_ID: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk: Buffer): string => chunk.toString().replace(/^(?=.)/gm, `[${name}] `);
  child.stdout!.on('data', (chunk: Buffer) => process.stdout.write(prefix(chunk)));
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('optbridge listening') && resolve(child));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening`)));
  });
}

// One at a time: the first node migrates the database, and the others then find it ready.
const children: ChildProcess[] = [];
for (let i = 0; i < NODES; i++) children.push(await startNode(i));

console.log('\noptbridge cluster (no sticky sessions needed: any node serves any job):');
for (let i = 0; i < NODES; i++) console.log(`  node-${i + 1}  http://127.0.0.1:${basePort + i}  ws://127.0.0.1:${basePort + i}`);
if (!process.env.BRIDGE_API_KEYS) console.log(`  API key (every node): ${key}`);
console.log('Ctrl-C stops all three.\n');

const stop = (): void => {
  for (const child of children) child.kill('SIGTERM');
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
