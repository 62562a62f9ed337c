/**
 * The web UI in real headless Chromium against a real Berth process: it loads at `/`, deep
 * links and the back button work, the document carries the security headers, names from
 * the URL are shown as text (no markup runs, no request leaves for an injected <img>), the
 * pull command is copied to the clipboard, tabs follow the keyboard, and axe-core finds nothing
 * serious on any page. With authentication on, the "auth is off" banner is gone.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import type { Browser } from 'playwright-core';
import { CONTENT_SECURITY_POLICY } from '../../src/ui/headers.js';
import { buildWeb } from '../../web/build.js';
import { startBerthProcess, type BerthProcess } from '../helpers/berth-process.js';
import { MT, descriptorOf, pushImage } from '../helpers/oci.js';
import { assertAccessible, launchBrowser, openPage, readClipboard, screenshot, unexpectedProblems, type WatchedPage } from './browser.js';
import { makeTempDir, removeDir } from './helpers.js';

describe('web UI in Chromium', { timeout: 300_000 }, () => {
  let berth: BerthProcess;
  let browser: Browser;
  let root = '';
  let w: WatchedPage;
  // Pushed over HTTP before the pages are browsed (auth off: anyone may push, and browse).
  let signature = '';
  let toolsDigest = '';

  before(
    async () => {
      // The suite tests the UI of these sources, not whatever dist/web holds.
      await buildWeb({ log: () => {} });
      root = await makeTempDir('ui-root');
      berth = await startBerthProcess({ BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: root });
      browser = await launchBrowser();
      w = await openPage(browser, berth.url);
      const app = await pushImage(berth.url, 'team/app', { ref: '1.0', seed: 'ui-app' });
      toolsDigest = (await pushImage(berth.url, 'team/tools/app', { seed: 'ui-tools' })).digest;
      const sig = await pushImage(berth.url, 'team/app', {
        seed: 'ui-signature',
        extra: {
          artifactType: 'application/vnd.example.signature',
          subject: descriptorOf(MT.ociManifest, app.body),
          annotations: { 'org.example.signer': '<img src=/x-annotation onerror="window.__pwned=3">' },
        },
      });
      signature = sig.digest;
      await pushImage(berth.url, 'busybox', { ref: 'latest', seed: 'ui-busybox' });
    },
    { timeout: 240_000 },
  );

  after(async () => {
    await browser?.close();
    await berth?.stop();
    if (root) await removeDir(root);
  });

  const heading = () => w.page.locator('h1').textContent();

  it('serves the app at / with its security headers, redirects to the projects, and shows the auth-off banner', async () => {
    const res = await w.page.goto('/');
    assert.ok(res);
    assert.equal(res.status(), 200);
    const h = await res.allHeaders();
    assert.equal(h['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.match(h['content-security-policy']!, /frame-ancestors 'none'/);
    assert.doesNotMatch(h['content-security-policy']!, /unsafe-inline|unsafe-eval/);
    assert.equal(h['x-content-type-options'], 'nosniff');
    assert.equal(h['referrer-policy'], 'no-referrer');
    assert.equal(h['cache-control'], 'no-cache');
    await w.page.waitForURL('**/projects');
    assert.equal(await heading(), 'Projects');
    const banner = w.page.locator('[data-banner="auth-off"]');
    await banner.waitFor();
    assert.match((await banner.textContent()) ?? '', /Anyone who can reach this server can push/);
    // With auth off everything is browsable (projects come from what was pushed), nothing is manageable.
    await w.page.getByRole('link', { name: 'team', exact: true }).waitFor();
    assert.equal(await w.page.locator('[data-accounts-off]').count(), 0);
    assert.equal(await w.page.getByRole('button', { name: 'New project' }).count(), 0);
    assert.equal(await w.page.getByRole('button', { name: /^Delete/ }).count(), 0);
    await assertAccessible(w.page, '/projects');
    await screenshot(w.page, 'shell-projects');
  });

  it('hashed assets are immutable and come precompressed', async () => {
    const script = await w.page.locator('script[type="module"]').getAttribute('src');
    assert.match(script ?? '', /^\/assets\/index-[\w-]+\.js$/);
    const res = await fetch(`${berth.url}${script}`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(res.headers.get('content-encoding'), 'br');
    assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
  });

  it('follows a deep link, navigates in place and goes back with the back button', async () => {
    await w.page.goto('/projects/team/repositories/app');
    assert.equal(await heading(), 'team/app');
    // The pushed artifacts are listed, with no delete button (no management with auth off).
    await w.page.getByRole('cell', { name: '1.0' }).waitFor();
    assert.equal(await w.page.getByRole('button', { name: /^Delete/ }).count(), 0);
    await assertAccessible(w.page, 'a repository');
    await screenshot(w.page, 'shell-repository');
    const before = await w.page.evaluate(() => performance.getEntriesByType('navigation').length);
    await w.page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'team' }).click();
    await w.page.waitForURL('**/projects/team');
    assert.equal(await heading(), 'team');
    await w.page.getByRole('link', { name: 'team/tools/app' }).waitFor();
    // The heading has the focus, so a screen reader announces the new page.
    assert.equal(await w.page.evaluate(() => document.activeElement?.tagName), 'H1');
    assert.equal(await w.page.evaluate(() => performance.getEntriesByType('navigation').length), before, 'no full reload');
    await assertAccessible(w.page, 'a project');
    await screenshot(w.page, 'shell-project');
    await w.page.goBack();
    await w.page.waitForURL('**/projects/team/repositories/app');
    assert.equal(await heading(), 'team/app');
  });

  const hostileProject = '<img src=/x-injected onerror="window.__pwned=1">';

  it('shows names from the URL as text: no markup runs and no injected image is requested', async () => {
    const project = hostileProject;
    const repository = '<script>window.__pwned=2</script>';
    await w.page.goto(`/projects/${encodeURIComponent(project)}/repositories/${encodeURIComponent(repository)}`);
    assert.equal(await heading(), `${project}/${repository}`);
    assert.equal(await w.page.locator('main img, main script').count(), 0);
    assert.equal(await w.page.evaluate(() => (window as { __pwned?: number }).__pwned), undefined);
    assert.ok(!w.requests.some((u) => new URL(u).pathname === '/x-injected'), 'the injected <img> was never requested');
    const command = await w.page.locator('.command__text').first().textContent();
    assert.ok(command?.includes(`${project}/${repository}:TAG`));
  });

  it('copies the pull command of an artifact to the clipboard, and its tabs follow the keyboard', async () => {
    await w.page.goto('/projects/team/repositories/app/artifacts/1.0');
    assert.equal(await heading(), 'team/app:1.0');
    const host = new URL(berth.url).host;
    await w.page.getByRole('button', { name: 'Copy docker pull command' }).click();
    assert.equal(await readClipboard(w.page), `docker pull ${host}/team/app:1.0`);
    await w.page.getByRole('tab', { name: 'Manifest' }).focus();
    await w.page.keyboard.press('ArrowRight');
    await w.page.waitForURL('**/artifacts/1.0?tab=config');
    assert.equal(await w.page.getByRole('tab', { selected: true }).textContent(), 'Config');
    assert.equal(await w.page.evaluate(() => document.activeElement?.textContent), 'Config');
    await assertAccessible(w.page, 'an artifact');
    await screenshot(w.page, 'shell-artifact');
    // The Referrers tab lists the signature pushed with 1.0 as its subject; its annotation is text.
    await w.page.getByRole('tab', { name: 'Referrers' }).click();
    await w.page.waitForURL('**/artifacts/1.0?tab=referrers');
    const referrers = w.page.locator('[data-referrers]');
    await referrers.waitFor();
    assert.match((await referrers.textContent()) ?? '', /application\/vnd\.example\.signature/);
    assert.equal(await referrers.getByRole('link').getAttribute('title'), signature);
    assert.match((await referrers.textContent()) ?? '', /<img src=\/x-annotation/);
    assert.equal(await w.page.evaluate(() => (window as { __pwned?: number }).__pwned), undefined);
    await assertAccessible(w.page, 'an artifact’s referrers');
    const digest = toolsDigest;
    await w.page.goto(`/projects/team/repositories/tools%2Fapp/artifacts/${digest}`);
    await w.page.getByRole('button', { name: 'Copy docker pull command' }).click();
    assert.equal(await readClipboard(w.page), `docker pull ${host}/team/tools/app@${digest}`);
  });

  it('every other page loads and passes axe; unknown pages say so; API paths never get the app', async () => {
    for (const [path, title] of [
      ['/users', 'Users'],
      ['/audit', 'Audit log'],
      ['/system', 'System'],
      ['/import', 'Import'],
      ['/sign-in', 'Sign in'],
      ['/projects/team/robots', 'team'],
      ['/projects/library/repositories/busybox', 'busybox'],
      ['/no/such/page', 'Page not found'],
    ] as const) {
      await w.page.goto(path);
      assert.equal(await heading(), title, path);
      await assertAccessible(w.page, path);
    }
    // A one-component name is browsed in library, by its own name.
    await w.page.goto('/projects/library/repositories/busybox');
    await w.page.getByRole('cell', { name: 'latest' }).waitFor();
    // Dark mode has its own colours: axe checks their contrast too.
    await w.page.emulateMedia({ colorScheme: 'dark' });
    await w.page.goto('/projects/team/repositories/app/artifacts/1.0');
    await assertAccessible(w.page, 'an artifact in dark mode');
    await w.page.emulateMedia({ colorScheme: 'light' });
    const api = await w.page.goto('/api/v1/nothing');
    assert.equal(api?.status(), 404);
    assert.match(api?.headers()['content-type'] ?? '', /^application\/json/);
  });

  it('had no console error, CSP or Trusted Types violation, or failed request on any page', () => {
    // The API 404 visited above, and the hostile project (no such project: 404); no page asks the
    // API for what needs accounts.
    assert.deepEqual(unexpectedProblems(w, ['/api/v1/nothing', `/api/v1/projects/${encodeURIComponent(hostileProject)}`]), []);
  });
});

describe('web UI with authentication on', { timeout: 180_000 }, () => {
  it('shows no auth-off banner and no password prompt, and offers sign-in', async () => {
    const root = await makeTempDir('ui-auth');
    const htpasswd = join(root, 'htpasswd');
    await writeFile(htpasswd, `alice:${bcrypt.hashSync('alice-secret', 4)}\n`);
    const berth = await startBerthProcess({
      BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: join(root, 'data'),
      BERTH_AUTH_HTPASSWD_PATH: htpasswd,
      BERTH_AUTH_HTPASSWD_REALM: 'berth',
    });
    const browser = await launchBrowser();
    try {
      const w = await openPage(browser, berth.url);
      // A Basic challenge answering a credentialed request would open a password dialog.
      w.page.on('dialog', (d) => assert.fail(`unexpected dialog: ${d.type()}`));
      const probe = w.page.waitForResponse((r) => r.url().endsWith('/v2/'));
      await w.page.goto('/projects');
      assert.equal((await probe).status(), 401);
      await w.page.getByRole('link', { name: 'Sign in' }).waitFor();
      assert.equal(await w.page.locator('[data-banner]').count(), 0);
      // The app's own probes answer 401 and 404; nothing else may fail.
      assert.deepEqual(unexpectedProblems(w, ['/v2/', '/api/v1/openapi.json']), []);
    } finally {
      await browser.close();
      await berth.stop();
      await removeDir(root);
    }
  });
});
