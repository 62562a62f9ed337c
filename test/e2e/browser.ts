/**
 * The browser harness of the real-client suite: Debian's Chromium (never a downloaded browser)
 * driven by playwright-core, axe-core run inside the page, screenshots into
 * test/e2e/screenshots/ (gitignored; `npm run screenshots:docs` copies the README's three into
 * docs/), a clipboard read-back, and a record of console errors, failed scripts and CSP or
 * Trusted Types violations, which a page must not have.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from './helpers.js';

/** Debian's chromium (setup.sh installs the package). */
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

/**
 * As root in a closed network: no sandbox (it needs user namespaces root does not get here),
 * and none of Chromium's own connections (updates, sync, safe browsing), which this machine refuses.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Where the suite saves screenshots. */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test', 'e2e', 'screenshots');

/** Start Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}

/** A page and what went wrong on it. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors (CSP and Trusted Types violations are reported there), uncaught exceptions, failed requests. */
  problems: string[];
  /** Every URL the page requested. */
  requests: string[];
}

/**
 * The problems, less the HTTP errors the test expects (Chromium logs every 4xx answer as a
 * console error, e.g. the UI's probes of /v2/ and /api/v1/openapi.json) and requests aborted on purpose.
 */
export function unexpectedProblems(w: WatchedPage, expectedErrorUrls: readonly string[]): string[] {
  return w.problems.filter(
    (p) =>
      !(p.includes('Failed to load resource') && expectedErrorUrls.some((u) => p.endsWith(u))) &&
      // The UI aborts the requests of a page it leaves (and so does a navigation): not a failure.
      !(p.startsWith('request failed:') && p.endsWith('net::ERR_ABORTED')),
  );
}

/** A fresh browser context on `baseURL` with clipboard access granted, watched for problems. */
export async function openPage(browser: Browser, baseURL: string): Promise<WatchedPage> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()} @ ${m.location().url}`);
  });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return { context, page, problems, requests };
}

let axeSource: string | undefined;

/** axe-core's findings of impact serious or critical on the page as it is now. */
export async function seriousAxeViolations(page: Page): Promise<{ id: string; impact: string; help: string; targets: string[] }[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  const violations = (await page.evaluate(`window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`)) as {
    id: string;
    impact: string;
    help: string;
    targets: string[];
  }[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Assert axe finds nothing serious or critical. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  const found = await seriousAxeViolations(page);
  assert.deepEqual(found, [], `axe on ${what}: ${JSON.stringify(found, null, 2)}`);
}

/** Save a full-page screenshot as test/e2e/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** What the system clipboard holds, read back through the page (permissions granted by openPage). */
export function readClipboard(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}
