/**
 * The UI's building blocks in real Chromium, on the component harness (test/e2e/ui-harness,
 * built with the UI's own Vite config and served by Berth's UI handler, so under its CSP):
 * a 10,000-row table filtered, sorted and paged; the confirmation dialog's focus and Escape;
 * the JSON viewer's copy; an upload's progress bar over a real XHR; toasts; tabs; the user menu
 * and the sign-in form; and markup in names shown as text. axe-core runs with the dialog closed and open.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { createLogger } from '../../src/log.js';
import { uiHandler } from '../../src/ui/handler.js';
import { loadSite } from '../../src/ui/site.js';
import { assertAccessible, launchBrowser, openPage, readClipboard, screenshot, unexpectedProblems, type WatchedPage } from './browser.js';
import { makeTempDir, removeDir, REPO_ROOT } from './helpers.js';

const UPLOAD_BYTES = 6_000_000;

describe('UI components in Chromium', { timeout: 300_000 }, () => {
  let dir = '';
  let server: Server;
  let browser: Browser;
  let w: WatchedPage;

  before(
    async () => {
      dir = await makeTempDir('ui-harness');
      await build({
        configFile: join(REPO_ROOT, 'web', 'vite.config.ts'),
        root: join(REPO_ROOT, 'test', 'e2e', 'ui-harness'),
        logLevel: 'warn',
        build: { outDir: dir, emptyOutDir: true },
      });
      const app = express();
      // A slow reader, so the browser's upload progress has time to show.
      app.post('/harness/upload', async (req, res) => {
        let bytes = 0;
        for await (const chunk of req) {
          bytes += (chunk as Buffer).length;
          await sleep(10);
        }
        res.json({ bytes });
      });
      app.use(uiHandler(loadSite(dir), createLogger('error')));
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      browser = await launchBrowser();
      w = await openPage(browser, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      await w.page.goto('/');
      await w.page.locator('h1').waitFor();
    },
    { timeout: 240_000 },
  );

  after(async () => {
    await browser?.close();
    server?.close();
    if (dir) await removeDir(dir);
  });

  const count = () => w.page.locator('.data-table__count').textContent();
  const bodyRows = () => w.page.locator('.data-table tbody tr');

  it('a 10,000-row table shows one page, filters, sorts and pages', async () => {
    assert.equal(await count(), '1–25 of 10000');
    assert.equal(await bodyRows().count(), 25);
    // A name holding markup is text.
    assert.equal(await w.page.locator('.data-table tbody code').first().textContent(), '<img src=/x-injected onerror="window.__pwned=1">');
    assert.equal(await w.page.locator('.data-table tbody img').count(), 0);

    await w.page.getByRole('searchbox', { name: 'Filter' }).fill('tag-99');
    await w.page.waitForFunction(() => document.querySelector('.data-table__count')?.textContent === '1–25 of 111');
    await w.page.getByRole('button', { name: 'Next' }).click();
    assert.equal(await count(), '26–50 of 111');
    assert.equal(await w.page.locator('.pager__where').textContent(), 'Page 2 of 5');

    await w.page.getByRole('button', { name: 'Size' }).click();
    assert.equal(await w.page.locator('th[aria-sort="ascending"]').textContent(), 'Size▲');
    assert.equal(await count(), '1–25 of 111', 'sorting goes back to the first page');
    await w.page.getByLabel('Rows per page').selectOption('100');
    assert.equal(await bodyRows().count(), 100);
    await w.page.getByRole('searchbox', { name: 'Filter' }).fill('no such tag');
    assert.equal(await w.page.locator('.table__empty').textContent(), 'Nothing matches the filter.');
    await w.page.getByRole('searchbox', { name: 'Filter' }).fill('');
  });

  it('the confirmation dialog takes the focus, closes on Escape, and confirms only after the name is typed', async () => {
    const opener = w.page.getByRole('button', { name: 'Delete tag' });
    await opener.click();
    const dialog = w.page.getByRole('dialog', { name: 'Delete tag 1.0?' });
    await dialog.waitFor();
    assert.equal(await w.page.evaluate(() => document.activeElement?.textContent), 'Cancel');
    await assertAccessible(w.page, 'the open dialog');
    await screenshot(w.page, 'components-dialog');
    await w.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await w.page.evaluate(() => document.activeElement?.textContent), 'Delete tag', 'focus back on the opener');

    await opener.click();
    const confirm = dialog.getByRole('button', { name: 'Delete' });
    assert.equal(await confirm.isDisabled(), true);
    await dialog.getByRole('textbox').fill('1.0');
    await confirm.click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await w.page.locator('#log li').last().textContent(), 'deleted');
  });

  it('the JSON viewer shows markup as text and copies the exact JSON', async () => {
    const body = w.page.locator('.json__body');
    assert.match((await body.textContent()) ?? '', /"<script>window.__pwned=2<\/script>"/);
    assert.equal(await w.page.locator('.json script').count(), 0);
    await w.page.getByRole('button', { name: 'Copy Manifest' }).click();
    const copied = await readClipboard(w.page);
    assert.deepEqual(JSON.parse(copied), {
      schemaVersion: 2,
      annotations: { 'org.opencontainers.image.description': '<script>window.__pwned=2</script>' },
    });
  });

  it('an upload shows its progress bar as the bytes go, then the server answer', async () => {
    await w.page
      .getByLabel('Image tarball')
      .setInputFiles({ name: 'image.tar', mimeType: 'application/x-tar', buffer: Buffer.alloc(UPLOAD_BYTES, 7) });
    await w.page.getByRole('button', { name: 'Upload' }).click();
    const bar = w.page.getByRole('progressbar', { name: 'Upload progress' });
    await bar.waitFor();
    assert.equal(await bar.getAttribute('max'), String(UPLOAD_BYTES));
    await w.page.waitForFunction(() => Number(document.querySelector('progress')?.getAttribute('value') ?? 0) > 0);
    await w.page.locator('#log li', { hasText: 'uploaded' }).waitFor();
    assert.equal(await w.page.locator('#log li').last().textContent(), `uploaded ${UPLOAD_BYTES}`);
    assert.equal(await bar.count(), 0, 'the bar goes when the upload is done');
  });

  it('toasts are announced in live regions, errors assertively, and show markup as text', async () => {
    await w.page.getByRole('button', { name: 'Show toast', exact: true }).click();
    assert.equal(
      await w.page.getByRole('status').filter({ hasText: 'deleted' }).locator('.toast__text').textContent(),
      'Tag <b>1.0</b> deleted',
    );
    await w.page.getByRole('button', { name: 'Show error toast' }).click();
    assert.match((await w.page.locator('.toaster [role="alert"]').textContent()) ?? '', /Could not delete/);
    await w.page.getByRole('button', { name: 'Dismiss message' }).last().click();
    assert.equal(await w.page.locator('.toaster [role="alert"] li').count(), 0);
  });

  it('tabs move with the arrow keys; errors read in plain words', async () => {
    await w.page.getByRole('tab', { name: 'One' }).focus();
    await w.page.keyboard.press('ArrowRight');
    assert.equal(await w.page.getByRole('tabpanel').textContent(), 'Second panel');
    await w.page.keyboard.press('Home');
    assert.equal(await w.page.getByRole('tabpanel').textContent(), 'First panel');
    assert.match((await w.page.locator('.notice--error').first().textContent()) ?? '', /Not allowed/);
  });

  it("the user menu opens and closes like a disclosure; the sign-in form shows the server's refusal", async () => {
    const button = w.page.getByRole('button', { name: 'alice admin' });
    await button.click();
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    await assertAccessible(w.page, 'the open user menu');
    await w.page.keyboard.press('Escape');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    assert.equal(await w.page.evaluate(() => document.activeElement?.textContent), 'aliceadmin');
    await button.click();
    await w.page.getByRole('button', { name: 'Sign out' }).click();
    assert.equal(await w.page.locator('#log li').last().textContent(), 'signed out');

    await w.page.getByLabel('Username').fill('alice');
    await w.page.getByLabel('Password').fill('wrong');
    await w.page.getByRole('button', { name: 'Sign in' }).click();
    const alert = w.page.getByRole('alert').filter({ hasText: 'wrong user name or password' });
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /You are not signed in/);
    assert.equal(await w.page.getByLabel('Password').inputValue(), '', 'the refused password is cleared');
    await w.page.getByLabel('Password').fill('right');
    await w.page.getByRole('button', { name: 'Sign in' }).click();
    await w.page.locator('#log li', { hasText: 'signed in alice' }).waitFor();
  });

  it('passes axe, ran no injected markup, and had no console error or CSP violation', async () => {
    await assertAccessible(w.page, 'the component harness');
    await screenshot(w.page, 'components');
    assert.equal(await w.page.evaluate(() => (window as { __pwned?: number }).__pwned), undefined);
    assert.ok(!w.requests.some((u) => new URL(u).pathname === '/x-injected'));
    assert.deepEqual(unexpectedProblems(w, []), []);
  });
});
