import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNativeUws, loadNativeUws } from '../../src/server/uws.js';

test('the native uWebSockets.js binary is the one loaded', () => {
  const uws = loadNativeUws();
  assert.ok(isNativeUws(uws));
  const require = createRequire(import.meta.url);
  const binary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  const loaded = Object.keys(require.cache).filter((path) => path.endsWith(binary));
  assert.equal(loaded.length, 1, `expected ${binary} in the module cache`);
});

test('the ws fallback is recognised as not native', () => {
  const require = createRequire(import.meta.url);
  const fallback = require('uWebSockets.js/dist/index.js');
  assert.equal(isNativeUws(fallback), false);
});

test('the bridge refuses to start on the fallback, with one clear line, before touching the store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'optbridge-fallback-'));
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, UWS_USE_FALLBACK: '1', PORT: '0', DATABASE_URL: '', BRIDGE_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /uWebSockets\.js native binary is not loaded .*refusing to start/);
  assert.deepEqual(readdirSync(dataDir), [], 'no database was created');
  rmSync(dataDir, { recursive: true, force: true });
});
