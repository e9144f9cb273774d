import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, redactSecrets, redactUrl } from '../../src/ingest/upstream/redact.js';

describe('upstream redaction', () => {
  test('credential query parameters keep their name and lose their value', () => {
    const url = redactUrl('ws://vendor.example:8000/v1/jobs/job_1/stream?token=nrx_sk_secret&after=3');
    assert.ok(!url.includes('nrx_sk_secret'));
    const parsed = new URL(url);
    assert.equal(parsed.searchParams.get('token'), REDACTED);
    assert.equal(parsed.searchParams.get('after'), '3');
    assert.equal(parsed.pathname, '/v1/jobs/job_1/stream');
  });

  test('every credential spelling and URL user info are removed', () => {
    const url = redactUrl('https://alice:pw9@vendor.example/x?api_key=s1x&apikey=s2x&key=s3x&access_token=s4x');
    for (const secret of ['alice', 'pw9', 's1x', 's2x', 's3x', 's4x']) assert.ok(!url.includes(secret), url);
  });

  test('a URL that does not parse is not echoed at all', () => {
    assert.equal(redactUrl('not a url ?token=abc'), REDACTED);
  });

  test('secrets vanish from strings at any depth, keys included; other values are untouched', () => {
    const secret = 'mc_live_0123456789';
    const value = {
      message: `Invalid API key ${secret}`,
      nested: [{ url: `ws://h/x?token=${secret}` }, 42, null, true],
      [`k_${secret}`]: 'v',
    };
    const clean = redactSecrets(value, [secret]);
    assert.ok(!JSON.stringify(clean).includes(secret));
    assert.equal(clean.message, `Invalid API key ${REDACTED}`);
    assert.deepEqual(clean.nested.slice(1), [42, null, true]);
    assert.equal(redactSecrets(3.5, [secret]), 3.5);
  });

  test('an empty secret redacts nothing rather than everything', () => {
    assert.equal(redactSecrets('hello', ['']), 'hello');
  });
});
