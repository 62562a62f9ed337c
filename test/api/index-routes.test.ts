/**
 * The index's API routes on the real app: repositories and artifacts listed from the index,
 * one artifact with its manifest and config, tags added and removed, an artifact deleted,
 * project usage, and the audit log (a push, a pull, a delete and a failed login) with who may
 * read it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { ADMIN_PASSWORD, makeAccountsApp, tokenFor, tokenRequest, type AccountsApp } from '../helpers/accounts.js';
import { basic, bearer } from '../helpers/auth.js';
import { MT } from '../helpers/oci.js';
import { pushAs } from '../admin/push-as.js';
import { assertError } from './helpers.js';

const admin = { user: 'admin', password: ADMIN_PASSWORD };
const PW = 'member-password';

describe('API: repositories, artifacts, audit', () => {
  let t: AccountsApp;
  let v1: string;
  let v2: string;
  const api = (path: string, who = admin) => request(t.app).get(`/api/v1${path}`).set('Authorization', basic(who.user, who.password));
  const as = (who: { user: string; password: string }) => ({
    put: (path: string) => request(t.app).put(`/api/v1${path}`).set('Authorization', basic(who.user, who.password)),
    delete: (path: string) => request(t.app).delete(`/api/v1${path}`).set('Authorization', basic(who.user, who.password)),
  });
  const repoPath = (name: string) => `/projects/${name.split('/')[0]}/repositories/${encodeURIComponent(name)}`;

  before(async () => {
    t = await makeAccountsApp({ raw: { projects: { autocreate: true } } });
    v1 = await pushAs(t.app, admin, 'team/app', 'v1');
    v2 = await pushAs(t.app, admin, 'team/app', 'v2');
    await pushAs(t.app, admin, 'team/tool', 'latest');
    await pushAs(t.app, admin, 'other/secret', 'latest');
    await t.services.accounts.create('guest', PW);
    await t.services.accounts.create('dev', PW);
    await t.services.accounts.create('stranger', PW);
    await t.services.projects.setMember('team', 'guest', 'guest');
    await t.services.projects.setMember('team', 'dev', 'developer');
    await t.management.indexer.idle();
  });
  after(() => t?.cleanup());

  it('lists a project’s repositories with artifact count, size and last push; usage in the project list', async () => {
    const res = await api('/projects/team/repositories?page_size=1');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['x-total-count'], '2');
    assert.match(String(res.headers['link']), /rel="next"/);
    const app = res.body.items[0];
    assert.equal(app.name, 'team/app');
    assert.equal(app.artifactCount, 2);
    assert.ok(app.sizeBytes > 0 && app.pushedAt);
    const one = await api(repoPath('team/app'));
    assert.deepEqual(one.body, app);
    assertError(await api('/projects/team/repositories/other%2Fsecret'), 404, 'NOT_FOUND');
    const projects = await api('/projects?q=team');
    const team = projects.body.items.find((p: { name: string }) => p.name === 'team');
    assert.equal(team.repositoryCount, 2);
    assert.ok(team.storageBytes > app.sizeBytes);
  });

  it('lists artifacts with their tags, filters, pages; shows one with manifest and config', async () => {
    const res = await api(`${repoPath('team/app')}/artifacts`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.items.map((a: { digest: string; tags: string[] }) => [a.digest, a.tags]),
      [
        [v2, ['v2']],
        [v1, ['v1']],
      ],
    );
    const filtered = await api(`${repoPath('team/app')}/artifacts?q=v1`);
    assert.deepEqual(
      filtered.body.items.map((a: { digest: string }) => a.digest),
      [v1],
    );
    const second = await api(`${repoPath('team/app')}/artifacts?page=2&page_size=1`);
    assert.equal(second.body.items[0].digest, v1);
    assert.equal(second.headers['x-total-count'], '2');
    const one = await api(`${repoPath('team/app')}/artifacts/v1`);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.digest, v1);
    assert.equal(one.body.manifest.mediaType, MT.ociManifest);
    assert.equal(one.body.config.os, 'linux');
    assert.equal(one.body.pushedBy, 'admin');
    assertError(await api(`${repoPath('team/app')}/artifacts/nope`), 404, 'NOT_FOUND');
  });

  it('adds and removes a tag; deletes an artifact; the registry agrees', async () => {
    const added = await as(admin).put(`${repoPath('team/app')}/artifacts/${v1}/tags/stable`);
    assert.equal(added.status, 200, added.text);
    assert.deepEqual(added.body.tags, ['stable', 'v1']);
    const token = await tokenFor(t.app, ['repository:team/app:pull'], admin);
    const pulled = await request(t.app)
      .get('/v2/team/app/manifests/stable')
      .set('Authorization', bearer(token))
      .set('Accept', MT.ociManifest);
    assert.equal(pulled.headers['docker-content-digest'], v1);
    assertError(await as(admin).put(`${repoPath('team/app')}/artifacts/${v1}/tags/-bad`), 400, 'INVALID_INPUT');

    assert.equal((await as(admin).delete(`${repoPath('team/app')}/artifacts/${v1}/tags/stable`)).status, 204);
    assertError(await as(admin).delete(`${repoPath('team/app')}/artifacts/${v1}/tags/stable`), 404, 'NOT_FOUND');
    assert.deepEqual((await api(`${repoPath('team/app')}/artifacts/${v1}`)).body.tags, ['v1']);

    assert.equal((await as(admin).delete(`${repoPath('team/app')}/artifacts/v2`)).status, 204);
    assertError(await api(`${repoPath('team/app')}/artifacts/${v2}`), 404, 'NOT_FOUND');
    const gone = await request(t.app).get(`/v2/team/app/manifests/${v2}`).set('Authorization', bearer(token)).set('Accept', MT.ociManifest);
    assert.equal(gone.status, 404);
  });

  it('roles decide: a guest lists but may not tag or delete; a stranger does not see a private project', async () => {
    const guest = { user: 'guest', password: PW };
    assert.equal((await api(`${repoPath('team/app')}/artifacts`, guest)).status, 200);
    assertError(await as(guest).put(`${repoPath('team/app')}/artifacts/${v1}/tags/x`), 403, 'DENIED');
    assertError(await as(guest).delete(`${repoPath('team/app')}/artifacts/${v1}`), 403, 'DENIED');
    assertError(await api('/projects/team/repositories', { user: 'stranger', password: PW }), 404, 'NOT_FOUND');
  });

  it('the audit log shows a push, a pull, a delete and a failed login; each reader sees what the role table grants', async () => {
    const token = await tokenFor(t.app, ['repository:team/app:pull'], admin);
    await request(t.app).get('/v2/team/app/manifests/v1').set('Authorization', bearer(token)).set('Accept', MT.ociManifest);
    assert.equal((await tokenRequest(t.app, [], { user: 'dev', password: 'wrong' })).status, 401);

    const all = await api('/audit?page_size=500');
    assert.equal(all.status, 200, all.text);
    type Entry = { action: string; actor: string | null; resource: string | null; outcome: string; project: string | null };
    const entries = all.body.items as Entry[];
    const has = (pred: (e: Entry) => boolean, what: string) =>
      assert.ok(entries.some(pred), `${what} in ${JSON.stringify(entries.slice(0, 5))}`);
    has((e) => e.action === 'push' && e.actor === 'admin' && e.resource === `team/app@${v1}`, 'push');
    has((e) => e.action === 'pull' && e.actor === 'admin' && e.resource === `team/app@${v1}`, 'pull');
    has((e) => e.action === 'delete' && e.resource === `team/app@${v2}`, 'delete');
    has((e) => e.action === 'login' && e.outcome === 'failure' && e.actor === 'dev', 'failed login');
    has(
      (e) => e.action.startsWith('management.') && e.actor === 'admin' && e.project === 'team' && e.outcome === 'success',
      'a tag added through the API',
    );
    has((e) => e.action.startsWith('management.') && e.actor === 'guest' && e.outcome === 'failure', 'a guest refused');

    const pushes = await api('/audit?action=push&project=team&user=admin');
    assert.ok(pushes.body.items.length >= 3);
    assert.ok(pushes.body.items.every((e: Entry) => e.action === 'push' && e.project === 'team'));
    const future = await api(`/audit?since=${new Date(Date.now() + 3_600_000).toISOString()}`);
    assert.equal(future.body.total, 0);

    // A guest's role grants audit.read on team: its entries only, never other's or logins.
    const guest = { user: 'guest', password: PW };
    const seen = await api('/audit?page_size=500', guest);
    assert.equal(seen.status, 200);
    assert.ok(seen.body.items.length > 0);
    assert.ok(seen.body.items.every((e: Entry) => e.project === 'team'));
    assertError(await api('/audit?project=other', guest), 403, 'DENIED');
    assert.equal((await api('/projects/team/audit', guest)).status, 200);
    const stranger = await api('/audit', { user: 'stranger', password: PW });
    assert.equal(stranger.body.total, 0);
    assertError(await request(t.app).get('/api/v1/audit'), 401, 'UNAUTHORIZED');
  });
});
