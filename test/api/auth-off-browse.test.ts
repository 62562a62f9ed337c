/**
 * With auth off (the open default) anyone may browse what the registry holds through the API:
 * projects derived from the artifact index, their repositories and artifacts, an artifact's
 * referrers; management stays refused (accounts are off). Real app, real SQLite, real pushes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createManagement, type Management } from '../../src/admin/setup.js';
import { parseConfig } from '../../src/config/load.js';
import { openDatabase } from '../../src/db/database.js';
import { createApp, type App } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { attachOps, createOps } from '../../src/ops/ops.js';
import { createRegistry, registryOptions } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';
import { MT, descriptorOf, pushImage } from '../helpers/oci.js';
import { as, assertError } from './helpers.js';

describe('API with auth off: browsing is open, management is not', () => {
  let app: App;
  let management: Management;
  let app1: string;
  let signature: string;
  before(async () => {
    const config = parseConfig({ storage: { inmemory: {} }, database: { sqlite: { path: ':memory:' } } });
    const log = createLogger('error');
    const driver = createDriver(config.storage);
    const registry = createRegistry(driver, registryOptions(config));
    management = await createManagement({ config, log, registry, database: await openDatabase(config), bcryptCost: 4, env: {} });
    const ops = createOps(config, log);
    attachOps(ops, config, registry, driver);
    app = createApp({ config, registry, log, management, ops });
    const image = await pushImage(app, 'team/app', { ref: 'v1', seed: 'app' });
    app1 = image.digest;
    await pushImage(app, 'team/tools/lint', { ref: 'latest', seed: 'lint' });
    await pushImage(app, 'busybox', { ref: 'latest', seed: 'busybox' });
    const sig = await pushImage(app, 'team/app', {
      seed: 'signature',
      extra: {
        artifactType: 'application/vnd.example.signature',
        subject: descriptorOf(MT.ociManifest, image.body),
        annotations: { 'org.example.signer': '<b>ci</b>' },
      },
    });
    signature = sig.digest;
    await management.indexer.idle();
  });
  after(() => management.close());

  it('lists the projects the index holds (one-component names in library), all public, none manageable', async () => {
    const res = await as(app).get('/projects');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.items.map((p: { name: string; repositoryCount: number }) => [p.name, p.repositoryCount]),
      [
        ['library', 1],
        ['team', 2],
      ],
    );
    assert.equal(res.body.total, 2);
    const team = res.body.items[1];
    assert.equal(team.public, true);
    assert.deepEqual(team.permissions, ['pull']);
    assert.ok(team.storageBytes > 0);
    assert.equal((await as(app).get('/projects?q=lib')).body.total, 1);
    assert.equal((await as(app).get('/projects?page=2&page_size=1')).body.items[0].name, 'team');
    assert.equal((await as(app).get('/projects?public=false')).body.total, 0);
    const one = await as(app).get('/projects/team');
    assert.deepEqual(one.body, team);
    assertError(await as(app).get('/projects/nothere'), 404, 'NOT_FOUND');
  });

  it('lists repositories and artifacts and shows one artifact', async () => {
    const repos = await as(app).get('/projects/team/repositories');
    assert.equal(repos.status, 200, repos.text);
    assert.deepEqual(repos.body.items.map((r: { name: string }) => r.name).sort(), ['team/app', 'team/tools/lint']);
    assert.equal((await as(app).get('/projects/library/repositories/busybox')).body.name, 'busybox');
    const arts = await as(app).get(`/projects/team/repositories/${encodeURIComponent('team/app')}/artifacts`);
    assert.equal(arts.status, 200, arts.text);
    assert.equal(arts.body.total, 2);
    const one = await as(app).get(`/projects/team/repositories/team%2Fapp/artifacts/v1`);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.digest, app1);
    assert.equal((one.body.config as { os: string }).os, 'linux');
  });

  it('lists an artifact’s referrers, by tag or digest, filtered by artifactType', async () => {
    const res = await as(app).get(`/projects/team/repositories/team%2Fapp/artifacts/v1/referrers`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.total, 1);
    const [r] = res.body.items;
    assert.equal(r.digest, signature);
    assert.equal(r.mediaType, MT.ociManifest);
    assert.equal(r.artifactType, 'application/vnd.example.signature');
    assert.ok(r.size > 0);
    assert.deepEqual(r.annotations, { 'org.example.signer': '<b>ci</b>' });
    const byDigest = await as(app).get(`/projects/team/repositories/team%2Fapp/artifacts/${app1}/referrers?artifactType=other`);
    assert.equal(byDigest.status, 200, byDigest.text);
    assert.deepEqual(byDigest.body.items, []);
    const none = await as(app).get(`/projects/team/repositories/team%2Fapp/artifacts/${signature}/referrers`);
    assert.deepEqual(none.body, { items: [], total: 0 });
    assertError(await as(app).get(`/projects/team/repositories/team%2Fapp/artifacts/v9/referrers`), 404, 'NOT_FOUND');
  });

  it('refuses management and writes: accounts are off', async () => {
    assertError(await as(app).post('/projects').send({ name: 'new' }), 404, 'ACCOUNTS_OFF');
    assertError(await as(app).patch('/projects/team').send({ public: false }), 404, 'ACCOUNTS_OFF');
    assertError(await as(app).delete('/projects/team'), 404, 'ACCOUNTS_OFF');
    assertError(await as(app).get('/projects/team/members'), 404, 'ACCOUNTS_OFF');
    assertError(await as(app).delete(`/projects/team/repositories/team%2Fapp/artifacts/v1`), 404, 'ACCOUNTS_OFF');
    assertError(await as(app).delete(`/projects/team/repositories/team%2Fapp`), 404, 'ACCOUNTS_OFF');
    assertError(await as(app).get('/audit'), 404, 'ACCOUNTS_OFF');
    // Nothing was removed.
    assert.equal((await as(app).get(`/projects/team/repositories/team%2Fapp/artifacts/v1`)).status, 200);
  });
});
