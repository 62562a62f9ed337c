/**
 * The registry as a whole through the API: system information (counts, database, auth mode,
 * pull-through cache statistics per upstream) and the runtime read-only switch, which refuses
 * a real push while on and lets pulls go on.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createManagement, type Management } from '../../src/admin/setup.js';
import { parseConfig } from '../../src/config/load.js';
import { openDatabase } from '../../src/db/database.js';
import { createApp, type App } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { attachOps, createOps } from '../../src/ops/ops.js';
import { createProxy } from '../../src/proxy/index.js';
import { createRegistry, registryOptions } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';
import { pushAs } from '../admin/push-as.js';
import { makeAccountsApp, tempDir, tokenFor, type AccountsApp } from '../helpers/accounts.js';
import { bearer, hash } from '../helpers/auth.js';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub.js';
import { MT, pushImage } from '../helpers/oci.js';
import { ADMIN, as, assertError } from './helpers.js';

describe('API system (accounts on)', () => {
  let a: AccountsApp;
  const alice = { user: 'alice', password: 'alice-password' };
  before(async () => {
    a = await makeAccountsApp();
    await a.services.accounts.create('alice', alice.password);
    await a.services.projects.create('team', { owner: (await a.services.accounts.get('alice')).id });
  });
  after(() => a.cleanup());

  it('GET /system: version, storage, database, auth mode, read-only state and counts', async () => {
    await pushAs(a.app, alice, 'team/app', 'v1');
    const res = await as(a.app, ADMIN).get('/system');
    assert.equal(res.status, 200, res.text);
    assert.match(res.body.version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(res.body.storage, { driver: 'inmemory', deleteEnabled: true });
    assert.deepEqual(res.body.database, { dialect: 'sqlite' });
    assert.equal(res.body.authMode, 'accounts');
    assert.equal(res.body.readOnly.enabled, false);
    assert.deepEqual(res.body.counts, { users: 2, projects: await a.services.stores.projects.count(), robots: 0, repositories: 1 });
    assert.ok(res.body.counts.projects >= 1);
    assert.deepEqual(res.body.proxy, { enabled: false, upstreams: [] });
  });

  it('read-only: an administrator switches it on; a push is refused with the reason, a pull goes on; then off', async () => {
    const on = await as(a.app, ADMIN).put('/system/readonly').send({ enabled: true });
    assert.equal(on.status, 200);
    assert.equal(on.body.enabled, true);
    assert.equal(on.body.by, 'api:admin');
    assert.equal((await as(a.app, ADMIN).get('/system/readonly')).body.enabled, true);
    assert.equal((await as(a.app).get('/session')).body.capabilities.readOnly, true);
    const token = await tokenFor(a.app, ['repository:team/app:pull,push'], alice);
    const push = await request(a.app).post('/v2/team/app/blobs/uploads/').set('Authorization', bearer(token));
    assert.equal(push.status, 403);
    assert.match(push.text, /read-only mode/);
    const pull = await request(a.app).get('/v2/team/app/manifests/v1').set('Authorization', bearer(token)).set('Accept', MT.ociManifest);
    assert.equal(pull.status, 200);
    const off = await as(a.app, ADMIN).put('/system/readonly').send({ enabled: false });
    assert.equal(off.body.enabled, false);
    const again = await request(a.app).post('/v2/team/app/blobs/uploads/').set('Authorization', bearer(token));
    assert.equal(again.status, 202);
  });

  it('only administrators: a user is 403, anonymous 401, a bad body 400', async () => {
    assertError(await as(a.app, alice).get('/system'), 403, 'DENIED', /not an administrator/);
    assertError(await as(a.app, alice).put('/system/readonly').send({ enabled: true }), 403, 'DENIED');
    assertError(await as(a.app).put('/system/readonly').send({ enabled: true }), 401, 'UNAUTHORIZED');
    assertError(await as(a.app, ADMIN).put('/system/readonly').send({ enabled: 'yes' }), 400, 'INVALID_INPUT', /body\.enabled/);
    assert.equal(a.ops.readOnly.enabled, false);
  });
});

describe('API system (auth off, pull-through cache on)', () => {
  let hub: FakeHub;
  let app: App;
  let management: Management;
  before(async () => {
    hub = await startFakeHub();
    const config = parseConfig({
      storage: { inmemory: {} },
      database: { sqlite: { path: ':memory:' } },
      proxy: { enabled: true, upstreams: [{ name: 'hub', url: hub.url, library: true }], upstream: { retries: 0, timeout: '2s' } },
    });
    const log = createLogger('error');
    const proxied = createProxy(config, log)!;
    const driver = createDriver(config.storage);
    const registry = createRegistry(driver, registryOptions(config), proxied.factories);
    management = await createManagement({ config, log, registry, database: await openDatabase(config), bcryptCost: 4, env: {} });
    const ops = createOps(config, log);
    attachOps(ops, config, registry, driver, proxied.proxy);
    app = createApp({ config, registry, log, proxy: proxied.proxy, management, ops });
  });
  after(async () => {
    await management.close();
    await hub.close();
  });

  it('per-upstream hits, misses and bytes after pulls through the cache', async () => {
    await pushImage(hub.inner.app, 'library/alpine', { ref: '3', seed: 'alpine' });
    const accept = [MT.ociIndex, MT.ociManifest].join(', ');
    assert.equal((await request(app).get('/v2/alpine/manifests/3').set('Accept', accept)).status, 200);
    assert.equal((await request(app).get('/v2/alpine/manifests/3').set('Accept', accept)).status, 200);
    const res = await as(app).get('/system');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.authMode, 'off');
    assert.equal(res.body.proxy.enabled, true);
    const [hubStats] = res.body.proxy.upstreams;
    assert.equal(hubStats.name, 'hub');
    assert.equal(hubStats.url, hub.url);
    assert.ok(hubStats.misses >= 1, `misses ${hubStats.misses}`);
    assert.ok(hubStats.hits >= 1, `hits ${hubStats.hits}`);
    assert.ok(hubStats.bytesFromUpstream > 0);
  });

  it('with auth off the registry is open: the read-only switch is too; account resources say accounts are off', async () => {
    const on = await as(app).put('/system/readonly').send({ enabled: true });
    assert.equal(on.status, 200);
    assert.equal(on.body.by, 'api:anonymous');
    await as(app).put('/system/readonly').send({ enabled: false });
    assertError(await as(app).get('/users'), 404, 'ACCOUNTS_OFF', /accounts are off/);
    assertError(await as(app).post('/session').send({ username: 'a', password: 'b' }), 404, 'ACCOUNTS_OFF');
    const s = await as(app).get('/session');
    assert.deepEqual(s.body.capabilities, { authMode: 'off', accounts: false, readOnly: false, deleteEnabled: true });
  });
});

describe('API system (htpasswd)', () => {
  let app: App;
  let management: Management;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir('berth-api-htpasswd-');
    const path = join(tmp.dir, 'htpasswd');
    await writeFile(path, `ops:${hash('ops-password')}\n`);
    const config = parseConfig({
      storage: { inmemory: {} },
      database: { sqlite: { path: ':memory:' } },
      auth: { htpasswd: { realm: 'berth', path } },
    });
    const log = createLogger('error');
    const driver = createDriver(config.storage);
    const registry = createRegistry(driver, registryOptions(config));
    management = await createManagement({ config, log, registry, database: await openDatabase(config), bcryptCost: 4, env: {} });
    const ops = createOps(config, log);
    attachOps(ops, config, registry, driver);
    app = createApp({ config, registry, log, auth: management.auth, management, ops });
  });
  after(async () => {
    await management.close();
    await tmp.remove();
  });

  it('a user of the htpasswd file may see the system and switch read-only mode (it may do anything in the registry)', async () => {
    const ops = { user: 'ops', password: 'ops-password' };
    const sys = await as(app, ops).get('/system');
    assert.equal(sys.status, 200, sys.text);
    assert.equal(sys.body.authMode, 'htpasswd');
    const on = await as(app, ops).put('/system/readonly').send({ enabled: true });
    assert.equal(on.body.by, 'api:ops');
    await as(app, ops).put('/system/readonly').send({ enabled: false });
  });

  it('anonymous is 401, a wrong password 401; account resources say accounts are off', async () => {
    assertError(await as(app).get('/system'), 401, 'UNAUTHORIZED');
    assertError(await as(app, { user: 'ops', password: 'wrong' }).put('/system/readonly').send({ enabled: true }), 401, 'UNAUTHORIZED');
    assertError(await as(app, { user: 'ops', password: 'ops-password' }).get('/users'), 404, 'ACCOUNTS_OFF');
  });
});
