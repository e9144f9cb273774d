import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { canonicalJson } from '../../src/core/canonical.js';
import type { JobEvent } from '../../src/core/event.js';
import { api, submitTsp, TENANT_KEYS, useTestBridge } from '../helpers/bridge.js';
import { CHART, ensureDashboardBuilt, launchChromium, numberAttribute, openDashboard, screenshot, signIn, waitForAttribute, waitForCount, type DashboardPage } from './dashboard-page.js';
import { GAP_MESSAGE, recordJobWithGap } from './recorded-job.js';

const CSP = "default-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'";
const RECORDED = 'job_recorded_dashboard';
const RECORDED_EVENTS = 2000;
const GAP_AT = 1000;

describe('the dashboard in Chromium', () => {
  const suite = useTestBridge('postgres');
  let browser: Browser;
  let base: string;
  let finished: [string, string];
  let dashboard: DashboardPage;

  async function events(id: string): Promise<JobEvent[]> {
    return (await api(base, 'GET', `/bridge/v1/jobs/${id}/events?limit=1000`, { key: TENANT_KEYS.acme })).body.events;
  }

  async function waitFinished(id: string): Promise<void> {
    for (;;) {
      const { body } = await api(base, 'GET', `/bridge/v1/jobs/${id}`, { key: TENANT_KEYS.acme });
      if (['completed', 'failed', 'cancelled'].includes(body.status)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  before(async () => {
    ensureDashboardBuilt();
    base = suite.bridge.http;
    browser = await launchChromium();
    finished = [await submitTsp(suite.bridge, 2.5, 11), await submitTsp(suite.bridge, 2.5, 12)];
    await recordJobWithGap(suite.bridge.bridge.database, { id: RECORDED, tenantId: 'acme', events: RECORDED_EVENTS, gapAt: GAP_AT });
    await Promise.all(finished.map(waitFinished));
  });
  after(() => browser.close());

  async function open(key: string = TENANT_KEYS.acme, hash = ''): Promise<DashboardPage> {
    dashboard = await openDashboard(browser);
    await signIn(dashboard.page, base, key);
    if (hash) await dashboard.page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    return dashboard;
  }

  async function done(): Promise<void> {
    await dashboard.assertClean();
    await dashboard.close();
  }

  test('/ and its assets carry the CSP, nosniff and caching headers', async () => {
    const index = await fetch(`${base}/`);
    const html = await index.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, html);
    const asset = await fetch(base + script);
    assert.equal(asset.status, 200);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    for (const response of [index, asset]) {
      assert.equal(response.headers.get('content-security-policy'), CSP);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    }
    dashboard = await openDashboard(browser);
    const page = await dashboard.page.goto(`${base}/`);
    assert.equal(page!.headers()['content-security-policy'], CSP);
    await dashboard.page.waitForSelector('input[name=api-key]');
    await done();
  });

  test('a wrong key gets a clear message, no data, and is not kept', async () => {
    const { page, requests } = await open('not-a-key-0123456789');
    await page.waitForSelector('[data-testid=sign-in-error]');
    assert.match(await page.textContent('[data-testid=sign-in-error]') ?? '', /not accepted/);
    assert.equal(await page.locator('[data-testid=jobs-table]').count(), 0);
    assert.equal(await page.evaluate('sessionStorage.length'), 0);
    assert.ok(requests.every((url) => !url.includes('not-a-key')), 'the key went into a URL');
    await done();
  });

  test('signed in: the jobs list, filtered by kind, status and part of an id, the key in session storage only', async () => {
    const { page, requests } = await open();
    await page.waitForSelector('[data-testid=jobs-table]');
    const listed = await page.locator('tr[data-job-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-job-id')));
    assert.deepEqual(new Set(listed), new Set([...finished, RECORDED]));
    assert.equal(await page.evaluate('sessionStorage.getItem("optbridge.apiKey")'), TENANT_KEYS.acme);

    await page.selectOption('select[name=kind]', 'tsp');
    await page.selectOption('select[name=status]', 'completed');
    await page.click('button:has-text("Apply")');
    await waitForCount(page, 'tr[data-job-id]', 2);
    assert.match(page.url(), /kind=tsp/);
    await page.fill('input[name=q]', finished[0].slice(4, 20));
    await page.click('button:has-text("Apply")');
    await waitForCount(page, 'tr[data-job-id]', 1);
    assert.equal(await page.getAttribute('tr[data-job-id]', 'data-job-id'), finished[0]);
    assert.ok(requests.every((url) => !url.includes(TENANT_KEYS.acme)) && !page.url().includes(TENANT_KEYS.acme));
    await done();
  });

  test('a running built-in job: the chart gains points live over the stream, then shows it completed', async () => {
    const id = await submitTsp(suite.bridge, 5, 21);
    const { page, sockets } = await open(TENANT_KEYS.acme, `#/jobs/${id}`);
    await page.waitForSelector('[data-testid=live]');
    await waitForAttribute(page, CHART, 'points', '>=', 2);
    const before = await numberAttribute(page, CHART, 'points');
    await waitForAttribute(page, CHART, 'points', '>', before);
    assert.ok(sockets.some((url) => url.includes(`/v1/jobs/${id}/stream`)), sockets.join());
    await screenshot(page, 'job-live');
    await page.waitForSelector('[data-testid=job-status]:has-text("completed")', { timeout: 20_000 });
    await page.waitForSelector('[data-testid=live]', { state: 'detached' });
    const drawn = (await events(id)).filter((event) => typeof event.objective === 'number').length;
    await waitForAttribute(page, CHART, 'points', '===', drawn);
    await done();
  });

  test('a finished job: verification and head hash, gap markers, the event log with canonical and raw forms', async () => {
    const { page } = await open(TENANT_KEYS.acme, `#/jobs/${RECORDED}`);
    await page.waitForSelector('[data-testid=verification][data-state=intact]');
    const audit = (await api(base, 'GET', `/bridge/v1/jobs/${RECORDED}/audit`, { key: TENANT_KEYS.acme })).body;
    assert.equal(await page.textContent('[data-testid=head-hash]'), audit.head.hash);
    await waitForAttribute(page, CHART, 'gaps', '===', 1);
    assert.match(await page.textContent('[data-testid=gaps]') ?? '', new RegExp(`seq ${GAP_AT}.*${GAP_MESSAGE}`));
    const legend = (await page.textContent(`${CHART} .u-legend`)) ?? '';
    for (const line of ['objective (max)', 'objective (min)', 'best objective', 'temperature (max)']) assert.ok(legend.includes(line), legend);
    const drawn = await numberAttribute(page, CHART, 'points');
    await page.check('input[name=log-scale]');
    await page.check('input[name=x-mode][value=iteration]');
    await page.waitForSelector(`${CHART}[data-log=true][data-x-mode=iteration]`);
    await waitForAttribute(page, CHART, 'points', '===', drawn);
    await waitForAttribute(page, CHART, 'gaps', '===', 1);

    await page.click(`[data-testid=gaps] button:has-text("seq ${GAP_AT}")`);
    await page.waitForSelector(`tr.event.gap[data-seq="${GAP_AT}"]`);
    await page.click(`tr.event[data-seq="${GAP_AT + 1}"]`);
    const stored = (await api(base, 'GET', `/bridge/v1/jobs/${RECORDED}/events?after=${GAP_AT}&limit=1`, { key: TENANT_KEYS.acme })).body.events[0];
    assert.equal(await page.textContent('[data-testid=canonical]'), canonicalJson(stored));
    assert.deepEqual(JSON.parse(await page.textContent('[data-testid=raw]') ?? ''), stored.source.raw);
    await screenshot(page, 'job-finished');
    await done();
  });

  test("dragging across the chart fetches the window's buckets, down to single events", async () => {
    const { page } = await open(TENANT_KEYS.acme, `#/jobs/${RECORDED}`);
    await waitForAttribute(page, CHART, 'first-chart', '===', 1);
    const overview = await numberAttribute(page, CHART, 'points');
    assert.ok(overview < RECORDED_EVENTS, `${overview} points drawn for ${RECORDED_EVENTS} events`);
    const plot = (await page.locator(`${CHART} .u-over`).boundingBox())!;
    const window = page.waitForResponse((response) => /\/series\?.*from=\d+/.test(response.url()));
    await page.mouse.move(plot.x + plot.width * 0.45, plot.y + plot.height / 2);
    await page.mouse.down();
    await page.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height / 2, { steps: 5 });
    await page.mouse.up();
    const report = await (await window).json();
    assert.ok(report.from > 1 && report.to < RECORDED_EVENTS, `window ${report.from}–${report.to}`);
    assert.ok(report.buckets.every((bucket: { count: number }) => bucket.count === 1));
    await waitForAttribute(page, CHART, 'points', '>', overview);
    await done();
  });

  test("another tenant's job is not found, and its jobs are not listed", async () => {
    const { page } = await open(TENANT_KEYS.globex);
    await page.waitForSelector('[data-testid=no-jobs]');
    await page.evaluate(`location.hash = '#/jobs/${RECORDED}'`);
    await page.waitForSelector('[data-testid=job-error]');
    assert.match(await page.textContent('[data-testid=job-error]') ?? '', /Not found/);
    assert.equal(await page.locator(CHART).count(), 0);
    await done();
  });

  test('replay at speed 10 from the replay stream, then scrub to a seq and play on from there', async () => {
    const [id] = finished;
    const recorded = await events(id);
    const total = recorded.length;
    const drawnUntil = (seq: number) => recorded.filter((event) => event.seq <= seq && typeof event.objective === 'number').length;
    const { page, sockets } = await open(TENANT_KEYS.acme, `#/jobs/${id}`);
    await waitForAttribute(page, '[data-testid=replay]', 'cursor', '===', total);
    await waitForAttribute(page, CHART, 'first-chart', '===', 1);
    await page.evaluate(`window.__points = []; new MutationObserver(() => window.__points.push(Number(document.querySelector('${CHART}').dataset.points)))
      .observe(document.querySelector('${CHART}'), { attributes: true, attributeFilter: ['data-points'] })`);

    await page.selectOption('select[name=speed]', '10');
    await page.click('[data-testid=replay] button:has-text("Play")');
    await waitForAttribute(page, '[data-testid=replay]', 'cursor', '===', total);
    await page.waitForSelector('[data-testid=replay][data-playing=false]');
    const played = (await page.evaluate('window.__points')) as number[];
    assert.equal(played[0], 0, 'the replay starts from an empty chart');
    assert.equal(played.at(-1), drawnUntil(total));
    assert.ok(sockets.some((url) => url.includes('replay=1') && url.includes('speed=10') && url.includes('after=0')), sockets.join());

    const middle = Math.floor(total / 2);
    await page.fill('input[name=seq]', String(middle));
    await page.click('button:has-text("Go to seq")');
    await waitForAttribute(page, '[data-testid=replay]', 'cursor', '===', middle);
    await waitForAttribute(page, CHART, 'points', '===', drawnUntil(middle));
    await screenshot(page, 'job-replay');
    await page.evaluate('window.__points = []');
    await page.click('[data-testid=replay] button:has-text("Play")');
    await waitForAttribute(page, '[data-testid=replay]', 'cursor', '===', total);
    const resumed = (await page.evaluate('window.__points')) as number[];
    assert.ok(Math.min(...resumed) >= drawnUntil(middle), `played on from ${middle}: ${resumed.join()}`);
    assert.ok(sockets.some((url) => url.includes(`after=${middle}`)), sockets.join());
    await done();
  });

  test('two runs overlaid, by time from start and by iteration', async () => {
    const { page } = await open();
    for (const id of finished) await page.check(`input[aria-label="compare ${id}"]`);
    await page.click('button:has-text("Compare selected (2)")');
    const overlay = '[data-testid=overlay-chart]';
    await waitForAttribute(page, overlay, 'runs', '===', 2);
    const counts = (await page.getAttribute(overlay, 'data-points'))!.split(',').map(Number);
    assert.ok(counts.length === 2 && counts.every((n) => n > 1), String(counts));
    const legend = (await page.textContent(`${overlay} .u-legend`)) ?? '';
    for (const id of finished) assert.ok(legend.includes(id), legend);
    await screenshot(page, 'compare');
    await page.check('input[name=x-mode][value=iteration]');
    await page.waitForSelector(`${overlay}[data-x-mode=iteration][data-runs="2"]`);
    assert.ok((await page.getAttribute(overlay, 'data-points'))!.split(',').every((n) => Number(n) > 1));
    await done();
  });

  test('the CSV and NDJSON exports are byte for byte GET …/events?format=', async () => {
    const [id] = finished;
    const { page } = await open(TENANT_KEYS.acme, `#/jobs/${id}`);
    await page.waitForSelector('[data-testid=job-status]');
    for (const format of ['csv', 'ndjson']) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`.exports button:has-text("${format.toUpperCase()}")`)]);
      assert.equal(download.suggestedFilename(), `${id}.${format}`);
      const saved = readFileSync((await download.path())!, 'utf8');
      const served = await (await fetch(`${base}/bridge/v1/jobs/${id}/events?format=${format}`, { headers: { authorization: `Bearer ${TENANT_KEYS.acme}` } })).text();
      assert.ok(saved.length > 100);
      assert.equal(saved, served, format);
    }
    await done();
  });

  test('a stored event changed by hand: the page names the seq where the chain breaks', async () => {
    const changed = 1500;
    await sql`update events set event = event || '{"objective": 1}'::jsonb where job_id = ${RECORDED} and seq = ${changed}`.execute(suite.bridge.bridge.database.db);
    const { page } = await open(TENANT_KEYS.acme, `#/jobs/${RECORDED}`);
    await page.waitForSelector('[data-testid=verification][data-state=broken]');
    assert.equal(await page.textContent('[data-testid=broken-at]'), String(changed));
    await done();
  });
});
