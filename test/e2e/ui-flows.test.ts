/**
 * The web UI's flows in real headless Chromium against a real Berth with accounts on, with
 * docker and skopeo pushing as a robot made through the page: sign in as the administrator,
 * create projects and a robot (its secret shown once, copied), see a multi-layer image and a
 * multi-arch index listed with their sizes and platforms, open an artifact's config and
 * layers, copy a pull command, delete a tag, read the audit log, import a tarball through the
 * page, see markup in labels and annotations as text, and as an anonymous visitor see only the
 * public project. axe-core runs on every page; no page logs an error or breaks the CSP.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildWeb } from '../../web/build.js';
import { formatBytes } from '../../web/src/lib/format.js';
import { startBerthProcess, type BerthProcess } from '../helpers/berth-process.js';
import { assertAccessible, launchBrowser, openPage, readClipboard, screenshot, unexpectedProblems, type WatchedPage } from './browser.js';
import {
  buildMultiLayerImage,
  buildOciLayout,
  docker,
  makeTempDir,
  removeDir,
  removeImages,
  sh,
  type BuiltImage,
  type OciLayout,
} from './helpers.js';
import { dockerConfigDir, dockerIn } from './tls-helpers.js';
import { buildLabelledImage, HOSTILE, skopeoPush, writeAnnotatedLayout } from './ui-fixtures.js';

const ADMIN_PW = 'admin-ui-e2e-password';

describe('web UI flows with accounts', { timeout: 900_000 }, () => {
  let berth: BerthProcess;
  let browser: Browser;
  let work = '';
  let host = '';
  let w: WatchedPage;
  let robot = { name: '', secret: '' };
  let img: BuiltImage;
  let oci: OciLayout;
  const images: string[] = [];

  before(
    async () => {
      await buildWeb({ log: () => {} });
      work = await makeTempDir('ui-flows');
      berth = await startBerthProcess({
        BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: join(work, 'data'),
        BERTH_STORAGE_DELETE_ENABLED: 'true',
        BERTH_AUTH_ACCOUNTS: 'true',
        BERTH_ADMIN_PASSWORD: ADMIN_PW,
      });
      host = new URL(berth.url).host;
      img = await buildMultiLayerImage({ tag: `berth-e2e/ui-app:${process.pid}` });
      images.push(img.tag);
      oci = await buildOciLayout(join(work, 'oci'));
      browser = await launchBrowser();
      w = await openPage(browser, berth.url);
      w.page.setDefaultTimeout(15_000);
    },
    { timeout: 600_000 },
  );

  after(
    async () => {
      await browser?.close();
      await berth?.stop();
      await removeImages(...images);
      if (work) await removeDir(work);
    },
    { timeout: 60_000 },
  );

  const page = () => w.page;
  const heading = () => page().locator('h1').textContent();
  const main = () => page().locator('main');
  const ref = (repoTag: string) => `${host}/${repoTag}`;
  /** The stored manifest of `reference`, read as the robot (the project is private). */
  const manifestOf = async (reference: string) =>
    JSON.parse(
      (await sh('skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds', `${robot.name}:${robot.secret}`, `docker://${reference}`]))
        .stdout,
    ) as { config: { size: number }; layers: { digest: string; size: number }[]; manifests: { digest: string }[] };
  const asRobot = async (...args: string[]) => dockerIn(await dockerConfigDir(work, 'robot'), ...args);

  it('signs in as the administrator', async () => {
    await page().goto('/projects');
    await page().getByRole('link', { name: 'Sign in' }).click();
    await page().waitForURL('**/sign-in?next=%2Fprojects');
    await assertAccessible(page(), 'sign in');
    await screenshot(page(), 'sign-in');
    await page().getByLabel('Username').fill('admin');
    await page().getByLabel('Password').fill('wrong password');
    await page().getByRole('button', { name: 'Sign in' }).click();
    assert.match((await main().getByRole('alert').textContent()) ?? '', /Sign-in refused/);
    await page().getByLabel('Password').fill(ADMIN_PW);
    await page().getByRole('button', { name: 'Sign in' }).click();
    await page().waitForURL('**/projects');
    await page()
      .getByRole('button', { name: /^admin/ })
      .waitFor();
  });

  it('creates a private and a public project', async () => {
    for (const [name, pub] of [
      ['team', false],
      ['pub', true],
    ] as const) {
      await page().getByRole('button', { name: 'New project' }).click();
      const dialog = page().getByRole('dialog', { name: 'New project' });
      await dialog.getByLabel('Name').fill(name);
      if (pub) await dialog.getByLabel(/Public/).check();
      await dialog.getByRole('button', { name: 'Create project' }).click();
      await main().getByRole('link', { name, exact: true }).waitFor();
    }
    const row = main()
      .getByRole('row')
      .filter({ has: page().getByRole('link', { name: 'pub', exact: true }) });
    assert.match((await row.textContent()) ?? '', /Public/);
    await assertAccessible(page(), 'projects');
    await screenshot(page(), 'projects');
  });

  it('creates a robot whose secret is shown once, copies it, and pushes with docker and skopeo as that robot', async () => {
    await page().goto('/projects/team/robots');
    await page().getByRole('button', { name: 'New robot account' }).click();
    const dialog = page().getByRole('dialog', { name: 'New robot account' });
    await dialog.getByLabel('Name').fill('ci');
    for (const p of ['pull', 'push', 'delete']) await dialog.getByLabel(p, { exact: true }).check();
    await dialog.getByLabel(/Expires in/).fill('30');
    await dialog.getByRole('button', { name: 'Create robot account' }).click();
    const shown = page().getByRole('dialog', { name: 'Robot account created' });
    robot = {
      name: (await shown.locator('[data-robot-name]').textContent()) ?? '',
      secret: (await shown.locator('[data-robot-secret]').textContent()) ?? '',
    };
    assert.equal(robot.name, 'robot+team+ci');
    await shown.getByRole('button', { name: 'Copy secret' }).click();
    assert.equal(await readClipboard(page()), robot.secret);
    await assertAccessible(page(), 'the robot secret dialog');
    await shown.getByRole('button', { name: 'Done' }).click();
    await main().getByRole('cell', { name: 'robot+team+ci', exact: true }).waitFor();
    assert.equal(await main().getByText(robot.secret).count(), 0, 'the secret is not shown again');
    await assertAccessible(page(), 'robots');
    await screenshot(page(), 'project-robots');

    await asRobot('login', host, '-u', robot.name, '-p', robot.secret);
    for (const tag of ['1.0', 'latest']) {
      await docker('tag', img.tag, ref(`team/app:${tag}`));
      images.push(ref(`team/app:${tag}`));
      await asRobot('push', ref(`team/app:${tag}`));
    }
    await skopeoPush(oci.ref(oci.indexTag), ref('team/multi:1'), `${robot.name}:${robot.secret}`, true);
    await buildLabelledImage(ref('team/evil:labels'), { 'org.example.evil': HOSTILE.img, 'org.example.script': HOSTILE.script });
    images.push(ref('team/evil:labels'));
    await asRobot('push', ref('team/evil:labels'));
    const annotated = await writeAnnotatedLayout(join(work, 'annotated'), 'a', {
      'org.example.evil': HOSTILE.img,
      'org.example.script': HOSTILE.script,
    });
    await skopeoPush(annotated, ref('team/evil:annotations'), `${robot.name}:${robot.secret}`);
  });

  it('lists the image and the index with their sizes and platforms', async () => {
    await page().goto('/projects/team');
    for (const r of ['team/app', 'team/multi', 'team/evil']) await main().getByRole('link', { name: r, exact: true }).waitFor();
    await assertAccessible(page(), 'a project');
    await screenshot(page(), 'project');

    const m = await manifestOf(ref('team/app:1.0'));
    const imageSize = m.config.size + m.layers.reduce((n, l) => n + l.size, 0);
    await page().goto('/projects/team/repositories/app');
    const appRow = main().getByRole('row').filter({ hasText: '1.0' });
    await appRow.waitFor();
    const appText = (await appRow.textContent()) ?? '';
    assert.match(appText, /latest/);
    assert.match(appText, /Image/);
    assert.ok(appText.includes(formatBytes(imageSize)), `${appText} shows ${formatBytes(imageSize)}`);
    await assertAccessible(page(), 'a repository');
    await screenshot(page(), 'repository');

    await page().goto('/projects/team/repositories/multi');
    const multiRow = main()
      .getByRole('row')
      .filter({ hasText: oci.indexDigest.slice(7, 19) });
    await multiRow.waitFor();
    const multiText = (await multiRow.textContent()) ?? '';
    assert.match(multiText, /Image index/);
    assert.match(multiText, /linux\/amd64/);
    assert.match(multiText, /linux\/arm64\/v8/);
    const index = await manifestOf(ref('team/multi:1'));
    let indexSize = 0;
    for (const child of index.manifests) {
      const c = await manifestOf(`${ref('team/multi')}@${child.digest}`);
      indexSize += c.config.size + c.layers.reduce((n, l) => n + l.size, 0);
    }
    assert.ok(multiText.includes(formatBytes(indexSize)), `${multiText} shows ${formatBytes(indexSize)}`);
  });

  it('opens the image: its config and its layers', async () => {
    await page().goto('/projects/team/repositories/app');
    await main()
      .getByRole('link', { name: /^sha256:/ })
      .first()
      .click();
    await page().waitForURL(/\/artifacts\/sha256/);
    await page().getByRole('tab', { name: 'Config' }).click();
    const panel = page().getByRole('tabpanel');
    await panel.getByText('/data/stamp').first().waitFor();
    await panel.getByText(img.nonce).first().waitFor();
    await assertAccessible(page(), 'an artifact config');
    await screenshot(page(), 'artifact');
    await page().getByRole('tab', { name: 'Layers' }).click();
    const manifest = await manifestOf(ref('team/app:1.0'));
    for (const l of manifest.layers) await panel.getByText(l.digest.slice(0, 19)).first().waitFor();
    await assertAccessible(page(), 'an artifact layers');
    await page().getByRole('tab', { name: 'Manifest' }).click();
    await panel.getByText('"schemaVersion"').waitFor();
    await assertAccessible(page(), 'an artifact manifest');
  });

  it('copies the pull command of a tag, deletes a tag and sees it gone', async () => {
    await page().goto('/projects/team/repositories/app');
    await main().getByRole('button', { name: 'Copy docker pull command for tag 1.0' }).click();
    assert.equal(await readClipboard(page()), `docker pull ${host}/team/app:1.0`);
    await main().getByRole('button', { name: 'Delete tag latest' }).click();
    const dialog = page().getByRole('dialog', { name: 'Delete tag latest?' });
    await assertAccessible(page(), 'the delete dialog');
    await dialog.getByRole('button', { name: 'Delete tag' }).click();
    await main().getByRole('button', { name: 'Delete tag latest' }).waitFor({ state: 'detached' });
    await main().getByRole('button', { name: 'Delete tag 1.0' }).waitFor();
    const tags = await sh('skopeo', [
      'list-tags',
      '--tls-verify=false',
      '--creds',
      `${robot.name}:${robot.secret}`,
      `docker://${ref('team/app')}`,
    ]);
    assert.deepEqual((JSON.parse(tags.stdout) as { Tags: string[] }).Tags, ['1.0']);
  });

  it('shows labels and annotations that hold markup as text, and runs nothing', async () => {
    for (const tag of ['labels', 'annotations']) {
      await page().goto(`/projects/team/repositories/evil/artifacts/${tag}?tab=config`);
      await main().getByText(HOSTILE.img).first().waitFor();
      await main().getByText(HOSTILE.script).first().waitFor();
      assert.equal(await main().locator('img, script').count(), 0);
      await page().goto(`/projects/team/repositories/evil/artifacts/${tag}?tab=manifest`);
      await main().locator('.json__body').waitFor();
      assert.equal(await main().locator('img, script').count(), 0);
    }
    await page().goto('/projects/team/repositories/evil');
    await main().getByRole('row').nth(2).waitFor();
    assert.equal(await page().evaluate(() => (window as { __pwned?: number }).__pwned), undefined);
    assert.ok(!w.requests.some((u) => new URL(u).pathname === '/x-label'), 'the <img> in a label was never requested');
  });

  it('shows the audit entries of the pushes and the tag deletion, filtered by action', async () => {
    await page().goto('/audit');
    await main().getByText('robot+team+ci').first().waitFor();
    await assertAccessible(page(), 'the audit log');
    await screenshot(page(), 'audit');
    await page().getByLabel('Action').fill('delete');
    const row = main().getByRole('row').filter({ hasText: 'latest' });
    await row.first().waitFor();
    assert.match((await row.first().textContent()) ?? '', /admin/);
  });

  it('imports a docker save tarball through the page and links to the imported image', async () => {
    const tarball = join(work, 'import.tar');
    await docker('tag', img.tag, 'team/imported:1');
    images.push('team/imported:1');
    await docker('save', '-o', tarball, 'team/imported:1');
    await page().goto('/import');
    await assertAccessible(page(), 'import');
    await page().getByLabel('Project').selectOption('team');
    await page()
      .getByLabel(/Tarball/)
      .setInputFiles(tarball);
    await page().getByRole('button', { name: 'Upload' }).click();
    await main().getByRole('link', { name: 'team/imported:1' }).click();
    await page().waitForURL('**/projects/team/repositories/imported/artifacts/1');
    const tags = await sh('skopeo', [
      'list-tags',
      '--tls-verify=false',
      '--creds',
      `${robot.name}:${robot.secret}`,
      `docker://${ref('team/imported')}`,
    ]);
    assert.deepEqual((JSON.parse(tags.stdout) as { Tags: string[] }).Tags, ['1']);
    await screenshot(page(), 'import');
  });

  it('administers users and shows the system page', async () => {
    await page().goto('/users');
    await page().getByRole('button', { name: 'New user' }).click();
    const dialog = page().getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Name').fill('dev');
    await dialog.getByLabel('Password').fill('dev-password-123');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await main().getByRole('cell', { name: 'dev', exact: true }).waitFor();
    await assertAccessible(page(), 'users');
    await screenshot(page(), 'users');
    await page().goto('/system');
    await main().getByText('filesystem').first().waitFor();
    await assertAccessible(page(), 'system');
    await screenshot(page(), 'system');
  });

  it('as an anonymous visitor, sees only the public project', async () => {
    const anon = await openPage(browser, berth.url);
    try {
      await anon.page.goto('/projects');
      await anon.page.locator('main').getByRole('link', { name: 'pub', exact: true }).waitFor();
      assert.equal(await anon.page.locator('main').getByRole('link', { name: 'team', exact: true }).count(), 0);
      await assertAccessible(anon.page, 'projects, anonymous');
    } finally {
      await anon.context.close();
    }
  });

  it('signs out', async () => {
    await page()
      .getByRole('button', { name: /^admin/ })
      .click();
    await page().getByRole('button', { name: 'Sign out' }).click();
    await page().getByRole('link', { name: 'Sign in' }).waitFor();
  });

  it('had no console error, CSP or Trusted Types violation, or failed request on any page', () => {
    assert.deepEqual(unexpectedProblems(w, ['/v2/', '/api/v1/session']), []);
  });
});
