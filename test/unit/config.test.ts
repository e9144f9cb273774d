import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ConfigError, loadConfig } from '../../src/config/config.js';

test('defaults need no environment at all', () => {
  const config = loadConfig({});
  assert.equal(config.port, 8080);
  assert.equal(config.databaseUrl, null);
  assert.equal(config.redisUrl, null);
  assert.equal(config.otlpEndpoint, null);
  assert.deepEqual(config.apiKeys, []);
  assert.equal(config.routing.tsp, 'builtin');
  assert.equal(config.routing.campaign, 'matcraft');
  assert.equal(config.providers.nerox.apiKey, null);
});

test('environment overrides file settings; vendor keys come only from the environment', () => {
  const config = loadConfig({
    PORT: '9000',
    DATABASE_URL: 'postgres://u@db:5432/x',
    REDIS_URL: 'redis://cache:6379',
    BRIDGE_API_KEYS: 'acme:key-aaaaaaaa,globex:key-bbbbbbbb',
    BRIDGE_DATA_DIR: '/var/lib/optbridge',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
    NEROX_URL: 'http://nerox.local',
    NEROX_API_KEY: 'nrx_sk_1',
  });
  assert.equal(config.port, 9000);
  assert.equal(config.databaseUrl, 'postgres://u@db:5432/x');
  assert.equal(config.redisUrl, 'redis://cache:6379');
  assert.equal(config.dataDir, '/var/lib/optbridge');
  assert.equal(config.otlpEndpoint, 'http://collector:4318');
  assert.deepEqual(config.apiKeys, [
    { tenant: 'acme', key: 'key-aaaaaaaa' },
    { tenant: 'globex', key: 'key-bbbbbbbb' },
  ]);
  assert.deepEqual(config.providers.nerox, { url: 'http://nerox.local', apiKey: 'nrx_sk_1' });
});

const INVALID: [Record<string, string>, RegExp][] = [
  [{ PORT: 'eighty' }, /^invalid setting PORT: must be an integer from 0 to 65535, got "eighty"$/],
  [{ PORT: '70000' }, /^invalid setting PORT: /],
  [{ DATABASE_URL: 'mysql://x' }, /^invalid setting DATABASE_URL: must use postgres: or postgresql:/],
  [{ REDIS_URL: 'not a url' }, /^invalid setting REDIS_URL: must be a URL/],
  [{ BRIDGE_API_KEYS: 'no-colon' }, /^invalid setting BRIDGE_API_KEYS: entry 1 must be "tenant:key"/],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x' }, /^invalid setting OTEL_EXPORTER_OTLP_ENDPOINT: must use http: or https:/],
  [{ SOLVER_DEVICE: 'tpu' }, /^invalid setting SOLVER_DEVICE: must be auto, gpu or cpu/],
  [{ JAOT_URL: 'jaot' }, /^invalid setting JAOT_URL: must be a URL/],
];

for (const [env, message] of INVALID) {
  test(`invalid ${Object.keys(env)[0]} names the setting and the problem`, () => {
    assert.throws(() => loadConfig(env), (error: unknown) => error instanceof ConfigError && message.test(error.message));
  });
}

test('start-up stops with one line on an invalid setting', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: 'eighty' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.status, 1);
  assert.equal(result.stderr.trim(), 'invalid setting PORT: must be an integer from 0 to 65535, got "eighty"');
});
