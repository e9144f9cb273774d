/**
 * Opening the job page of a 100 000-event job in Chromium: time to the first drawn chart, the page's JS heap
 * after a collection, its longest task (how long the page froze) and the bytes it fetched, for the page as
 * built (the series endpoint's min/max buckets, about one per pixel) against the same page in `?full=1`
 * mode (every event loaded and drawn), in one run. BENCH_DASHBOARD_EVENTS and BENCH_DASHBOARD_RUNS (median of
 * that many page loads per variant) shorten it; BENCH_QUICK=1 leaves README alone.
 */
import { loadavg } from 'node:os';
import type { Browser } from 'playwright-core';
import { startBridge } from '../../src/bridge.js';
import { loadConfig } from '../../src/config/config.js';
import { ensureDashboardBuilt, launchChromium } from '../browser/dashboard-page.js';
import { withBenchDatabase } from './bench-database.js';
import { machineDescription, markdownTable, replaceSection } from './readme.js';
import { recordJob } from './recorded-job.js';

const EVENTS = Number(process.env.BENCH_DASHBOARD_EVENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 3);
const JOB = 'job_dashboardbench';
const KEY = 'bench-key-000000';
const FIRST_CHART_TIMEOUT_MS = 600_000;

interface Load {
  firstChartMs: number;
  heapBytes: number;
  longestTaskMs: number;
  transferredBytes: number;
  points: number;
}

// Before the page's scripts: the key as a signed-in tab holds it, and every long task the page runs.
const INIT = `sessionStorage.setItem('optbridge.apiKey', ${JSON.stringify(KEY)});
window.__longestTask = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longestTask = Math.max(window.__longestTask, e.duration); }).observe({ type: 'longtask', buffered: true });`;

async function loadPage(browser: Browser, url: string): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  try {
    await context.addInitScript(INIT);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await page.goto(url);
    await page.waitForSelector('[data-first-chart]', { timeout: FIRST_CHART_TIMEOUT_MS });
    const firstChartMs = (await page.evaluate(`performance.getEntriesByName('optbridge:first-chart')[0].startTime`)) as number;
    // The rest of the page (verification, event log) settles before the heap is read.
    await page.waitForSelector('[data-testid=verification]:not([data-state=checking])', { timeout: FIRST_CHART_TIMEOUT_MS });
    await page.waitForLoadState('networkidle');
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const transferredBytes = (await page.evaluate(`performance.getEntriesByType('resource').reduce((n, e) => n + e.transferSize, 0)`)) as number;
    const longestTaskMs = (await page.evaluate('window.__longestTask')) as number;
    const points = Number(await page.getAttribute('[data-testid=convergence-chart]', 'data-points'));
    return { firstChartMs, heapBytes: heap.usedSize, longestTaskMs, transferredBytes, points };
  } finally {
    await context.close();
  }
}

function median(loads: Load[], pick: (load: Load) => number): number {
  const sorted = loads.map(pick).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const loadAtStart = loadavg()[0]!;
ensureDashboardBuilt();
const { buckets, full } = await withBenchDatabase(async (handle, newJob, url) => {
  await newJob(JOB, 'running');
  await recordJob(handle, JOB, EVENTS);
  const bridge = await startBridge(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url }), { spanProcessors: [], log: () => {} });
  const browser = await launchChromium();
  try {
    const base = `http://127.0.0.1:${bridge.port}`;
    const variants = { buckets: [] as Load[], full: [] as Load[] };
    // Alternating, so a machine that gets busier part-way slows both alike.
    for (let run = 0; run < RUNS; run++) {
      console.error(`dashboard bench: run ${run + 1} of ${RUNS}`);
      variants.buckets.push(await loadPage(browser, `${base}/#/jobs/${JOB}`));
      variants.full.push(await loadPage(browser, `${base}/?full=1#/jobs/${JOB}`));
    }
    return variants;
  } finally {
    await browser.close();
    await bridge.close();
  }
});

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
/** "3.0× less" where the candidate does better, "1.4× more" where it does worse. */
const versus = (baseline: number, candidate: number, [better, worse]: [string, string]) => {
  const ratio = baseline / Math.max(candidate, 1e-9);
  return ratio >= 1 ? `${ratio.toFixed(1)}× ${better}` : `${(1 / ratio).toFixed(1)}× ${worse}`;
};
const rows: string[][] = [];
const metrics: Array<[string, (load: Load) => number, (value: number) => string, [string, string]]> = [
  ['time to first chart', (l) => l.firstChartMs, (v) => `${v.toFixed(0)} ms`, ['faster', 'slower']],
  ['JS heap after GC', (l) => l.heapBytes, mb, ['less', 'more']],
  ['longest task (page frozen)', (l) => l.longestTaskMs, (v) => `${v.toFixed(0)} ms`, ['shorter', 'longer']],
  ['bytes fetched', (l) => l.transferredBytes, mb, ['less', 'more']],
];
for (const [metric, pick, show, words] of metrics) {
  const baseline = median(full, pick);
  const candidate = median(buckets, pick);
  rows.push([metric, `?full=1: all ${EVENTS} events loaded and drawn (baseline), ${median(full, (l) => l.points)} points`, String(EVENTS), show(baseline), '1.0×']);
  rows.push([metric, `series endpoint: min/max buckets of the visible window, ${median(buckets, (l) => l.points)} points`, String(EVENTS), show(candidate), versus(baseline, candidate, words)]);
}

const machine = `${machineDescription(loadAtStart)}\n- Debian Chromium (headless), 1280×1000 viewport; median of ${RUNS} page loads per variant, alternating`;
const table = markdownTable(rows);
console.log(`${machine}\n\n${table}`);
if (process.env.BENCH_QUICK !== '1') await replaceSection('dashboard', `Latest full run:\n\n${machine}\n\n${table}`);
