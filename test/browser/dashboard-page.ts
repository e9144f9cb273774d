/** Driving the dashboard in Debian's Chromium with playwright-core: a page per test, and what it noticed. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DASHBOARD_DIR } from '../../src/server/dashboard-routes.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** `npm test` builds the dashboard first; a single test file run on a fresh checkout builds it here. */
export function ensureDashboardBuilt(): void {
  if (!existsSync(join(DASHBOARD_DIR, 'index.html'))) execFileSync('npm', ['run', 'build:dashboard', '--silent'], { stdio: 'inherit' });
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/prepare.sh does)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

// Runs in the page before its scripts: every CSP violation is kept, so a test can show there was none.
const RECORD_CSP = `window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`;

export interface DashboardPage {
  page: Page;
  /** Every HTTP request URL the page made. */
  requests: string[];
  /** Every WebSocket URL the page opened. */
  sockets: string[];
  /** No script error and no CSP violation happened on the page. */
  assertClean(): Promise<void>;
  close(): Promise<void>;
}

export async function openDashboard(browser: Browser): Promise<DashboardPage> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 1000 } });
  await context.addInitScript(RECORD_CSP);
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  const sockets: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  page.on('websocket', (socket) => sockets.push(socket.url()));
  return {
    page,
    requests,
    sockets,
    async assertClean() {
      assert.deepEqual(errors, [], 'script errors on the page');
      assert.deepEqual(await page.evaluate('window.__csp'), [], 'CSP violations on the page');
    },
    close: () => context.close(),
  };
}

export async function signIn(page: Page, base: string, key: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.fill('input[name=api-key]', key);
  await page.click('button[type=submit]');
}

export const CHART = '[data-testid=convergence-chart]';

/** A number the chart or a panel writes on itself (`data-points`, `data-cursor`…). */
export async function numberAttribute(page: Page, selector: string, name: string): Promise<number> {
  return Number(await page.getAttribute(selector, `data-${name}`));
}

/** The little of the DOM the page functions below touch (this tsconfig has no DOM library: it is Node code). */
interface PageGlobals {
  document: { querySelector(selector: string): { dataset: Record<string, string | undefined> } | null; querySelectorAll(selector: string): { length: number } };
}

type Comparison = '===' | '>' | '>=';

/**
 * Waits until `data-<name>` of `selector` compares to `value` as asked. A function, not a string: the
 * dashboard's CSP allows no eval, and Playwright evaluates string predicates with one.
 */
export async function waitForAttribute(page: Page, selector: string, name: string, comparison: Comparison, value: number, timeout = 15_000): Promise<void> {
  const key = name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
  await page.waitForFunction(
    ({ selector, key, comparison, value }) => {
      const raw = (globalThis as unknown as PageGlobals).document.querySelector(selector)?.dataset[key];
      if (raw === undefined) return false;
      const actual = Number(raw);
      return comparison === '===' ? actual === value : comparison === '>' ? actual > value : actual >= value;
    },
    { selector, key, comparison, value },
    { timeout },
  );
}

export async function waitForCount(page: Page, selector: string, count: number): Promise<void> {
  await page.waitForFunction(
    ({ selector, count }) => (globalThis as unknown as PageGlobals).document.querySelectorAll(selector).length === count,
    { selector, count },
  );
}

/** Screenshots of the job pages are kept in test-artifacts/ (gitignored), for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
