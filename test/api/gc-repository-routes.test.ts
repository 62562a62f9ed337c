/**
 * The operations issue's API parts on the real app: delete a whole repository (it leaves the
 * catalog, the index and the project's listing at once, the audit log records it, a Developer
 * may not, read-only mode refuses it) and garbage collection started and watched through the
 * API, which then frees the deleted repository's blobs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { ADMIN_PASSWORD, makeAccountsApp, tokenFor, type AccountsApp } from '../helpers/accounts.js';
import { basic, bearer } from '../helpers/auth.js';
import { pushAs } from '../admin/push-as.js';
import { assertError } from './helpers.js';

const admin = { user: 'admin', password: ADMIN_PASSWORD };
const dev = { user: 'dev', password: 'dev-password' };

describe('API: repository delete and garbage collection', () => {
  let t: AccountsApp;
  const call = (method: 'get' | 'post' | 'delete', path: string, who = admin) =>
    request(t.app)[method](`/api/v1${path}`).set('Authorization', basic(who.user, who.password));

  before(async () => {
    // No grace period: what the test deletes is garbage at once.
    t = await makeAccountsApp({ raw: { projects: { autocreate: true }, gc: { graceperiod: '0s' } } });
    await pushAs(t.app, admin, 'team/app', 'v1');
    await pushAs(t.app, admin, 'team/keep', 'v1');
    await t.services.accounts.create(dev.user, dev.password);
    await t.services.projects.setMember('team', dev.user, 'developer');
    await t.management.indexer.idle();
  });
  after(() => t?.cleanup());

  it('a Developer may not delete a repository; an unknown one is 404; read-only mode refuses', async () => {
    assertError(await call('delete', '/projects/team/repositories/team%2Fapp', dev), 403, 'DENIED');
    assertError(await call('delete', '/projects/team/repositories/team%2Fnope'), 404, 'NOT_FOUND');
    assertError(await call('delete', '/projects/other/repositories/team%2Fapp'), 404, 'NOT_FOUND');
    t.ops.readOnly.set(true, 'test');
    try {
      assertError(await call('delete', '/projects/team/repositories/team%2Fapp'), 403, 'WRITE_REFUSED');
    } finally {
      t.ops.readOnly.set(false, 'test');
    }
    assert.equal((await call('get', '/projects/team/repositories/team%2Fapp')).status, 200, 'still there');
  });

  it('deletes a repository: gone from the catalog, the index and the audit log says who', async () => {
    const res = await call('delete', '/projects/team/repositories/team%2Fapp');
    assert.equal(res.status, 204, res.text);
    const token = await tokenFor(t.app, ['registry:catalog:*', 'repository:team/app:pull', 'repository:team/keep:pull'], admin);
    const catalog = await request(t.app).get('/v2/_catalog').set('Authorization', bearer(token));
    assert.deepEqual(catalog.body.repositories, ['team/keep']);
    assertError(await call('get', '/projects/team/repositories/team%2Fapp'), 404, 'NOT_FOUND');
    const listed = await call('get', '/projects/team/repositories');
    assert.deepEqual(
      listed.body.items.map((r: { name: string }) => r.name),
      ['team/keep'],
    );
    const audit = await call('get', '/audit?action=delete&project=team');
    assert.ok(
      audit.body.items.some((e: { actor: string; resource: string }) => e.actor === 'admin' && e.resource === 'team/app'),
      JSON.stringify(audit.body.items),
    );
    const pulled = await request(t.app).get('/v2/team/app/manifests/v1').set('Authorization', bearer(token));
    assert.equal(pulled.status, 404);
  });

  it('GC is started and watched through the API by an administrator only, and frees the deleted repository’s blobs', async () => {
    assertError(await call('post', '/system/gc', dev).send({}), 403, 'DENIED');
    assertError(await call('get', '/system/gc', dev), 403, 'DENIED');
    const started = await call('post', '/system/gc').send({ dryRun: false });
    assert.equal(started.status, 202, started.text);
    let status = started.body;
    for (let i = 0; i < 200 && (status.running || !status.last); i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await call('get', '/system/gc')).body;
    }
    assert.equal(status.running, false);
    assert.equal(status.last.ok, true, JSON.stringify(status.last));
    assert.equal(status.last.dryRun, false);
    // team/app's config and layer (team/keep's are its own: pushAs makes distinct content per repository).
    assert.ok(status.last.freedBlobs >= 1, JSON.stringify(status.last));
    assert.ok(status.last.freedBytes > 0);
    const token = await tokenFor(t.app, ['repository:team/keep:pull'], admin);
    const kept = await request(t.app).get('/v2/team/keep/manifests/v1').set('Authorization', bearer(token));
    assert.equal(kept.status, 200, 'what is still tagged stays');
    assertError(await call('post', '/system/gc').send({ bogus: 1 }), 400, 'INVALID_INPUT');
  });
});
