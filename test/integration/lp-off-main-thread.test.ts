import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseLinearModel } from '../../src/solver/lp/linear-model.js';
import { api, TENANT_KEYS, useTestBridge } from '../helpers/bridge.js';
import { PRODUCTION_PLANNING } from '../helpers/doc-messages.js';
import { largeLinearModel } from '../helpers/large-lp.js';
import { MainThreadCalls } from '../helpers/main-thread-calls.js';
import { collect } from '../helpers/ws-client.js';

const KEY = TENANT_KEYS.acme;
const MODEL_FILE = 'src/solver/lp/linear-model.ts';
const EXPRESSION_FILE = 'src/solver/lp/linear-expression.ts';

describe('LP models are parsed off the event loop', () => {
  const suite = useTestBridge('postgres');
  const calls = new MainThreadCalls();
  before(() => calls.start());
  after(() => calls.stop());

  test('the counter sees a parse on this thread', async () => {
    await calls.take(MODEL_FILE, 'parseLinearModel');
    parseLinearModel(PRODUCTION_PLANNING);
    assert.equal(await calls.take(MODEL_FILE, 'parseLinearModel'), 1);
  });

  test('a 3 MB JAOT model is validated at submit and solved with no parse on the main thread', async () => {
    const model = largeLinearModel(3_000_000);
    await calls.take(MODEL_FILE, 'parseLinearModel');
    await calls.take(EXPRESSION_FILE, 'parseConstraint');

    const submitted = await api(suite.bridge.http, 'POST', '/api/v2/solve/async', { key: KEY, body: model });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const watched = await collect(`${suite.bridge.ws}/api/v2/ws/executions/${submitted.body.task_id}?token=${KEY}`);
    const last = watched.messages.at(-1);
    assert.equal(last.type, 'completed', JSON.stringify(last));
    // Every variable at 0 and the objective's constant put back by the worker.
    assert.equal(last.result.status, 'optimal');
    assert.equal(last.result.objective_value, 5);
    assert.equal(Object.keys(last.result.solution).length, model.variables.length);
    assert.equal(last.result.solution.v1999, 0);

    assert.equal(await calls.take(MODEL_FILE, 'parseLinearModel'), 0);
    assert.equal(await calls.take(EXPRESSION_FILE, 'parseConstraint'), 0);
  });

  test('a 3 MB model with one bad row is refused with a 400 naming the row and the column, still parsed off the main thread', async () => {
    const model = largeLinearModel(3_000_000, 2);
    const row = model.constraints.length - 1;
    model.constraints[row] = { name: 'last', expression: '2*v0 + 3*v1 * v2 <= 10' };
    await calls.take(MODEL_FILE, 'parseLinearModel');

    const refused = await api(suite.bridge.http, 'POST', '/api/v2/solve/async', { key: KEY, body: model });
    assert.equal(refused.status, 400);
    assert.match(refused.body.detail, new RegExp(`constraints\\[${row}\\]\\.expression \\(last\\): product of two variables is not linear at column 13`));
    assert.equal(await calls.take(MODEL_FILE, 'parseLinearModel'), 0);
  });
});
