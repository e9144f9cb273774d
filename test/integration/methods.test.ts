import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TENANT_KEYS, useTestBridge } from '../helpers/bridge.js';

/** A known path asked with the wrong method, what it takes, and where the dialect's error body holds the message. */
const CASES = [
  { method: 'GET', path: '/v1/optimize/tsp', allow: 'POST', message: (b: any) => b.error.message },
  { method: 'DELETE', path: '/v1/jobs/job_01m8xzd2yc8r7p4kecyazp', allow: 'GET', message: (b: any) => b.error.message },
  { method: 'GET', path: '/api/v2/solve/async', allow: 'POST', message: (b: any) => b.detail },
  { method: 'PUT', path: '/api/v1/campaigns', allow: 'POST', message: (b: any) => b.error.message },
  { method: 'GET', path: '/api/optimization/jobs', allow: 'POST', message: (b: any) => b.error },
  { method: 'POST', path: '/bridge/v1/jobs', allow: 'GET', message: (b: any) => b.error.message },
];

describe('a known path with the wrong method', () => {
  const suite = useTestBridge('pglite');

  for (const { method, path, allow, message } of CASES) {
    test(`${method} ${path} answers 405 with Allow: ${allow}, in the dialect's error shape`, async () => {
      const response = await fetch(suite.bridge.http + path, { method, headers: { authorization: `Bearer ${TENANT_KEYS.acme}` } });
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), allow);
      assert.match(message(await response.json()), new RegExp(`takes ${allow}, not ${method}`));
    });
  }

  test('an unknown path is still a 404', async () => {
    assert.equal((await fetch(`${suite.bridge.http}/v1/nothing/here`)).status, 404);
  });
});
