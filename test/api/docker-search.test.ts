/**
 * docker search's API (GET /v1/search) from the index: matching names and descriptions (from
 * the config's org.opencontainers.image.description label), only what the caller may pull,
 * with credentials as docker sends them (none, Basic, or a Bearer token for
 * registry:catalog:search got with the identity token of its login).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { ADMIN_PASSWORD, makeAccountsApp, tokenFor, tokenRequest, type AccountsApp } from '../helpers/accounts.js';
import { basic, bearer } from '../helpers/auth.js';
import { asIs } from '../helpers/http.js';
import { descriptorOf, digestOf, MT, ociManifest } from '../helpers/oci.js';
import { pushAs } from '../admin/push-as.js';

const admin = { user: 'admin', password: ADMIN_PASSWORD };
const dev = { user: 'dev', password: 'dev-password' };

describe('docker search (/v1/search)', () => {
  let t: AccountsApp;
  const search = (q: string, auth?: string) => {
    const req = request(t.app)
      .get(`/v1/search?q=${encodeURIComponent(q)}&n=25`)
      .set('X-Docker-Token', 'true');
    return auth ? req.set('Authorization', auth) : req;
  };
  const names = (res: request.Response) => (res.body.results as { name: string }[]).map((r) => r.name);

  before(async () => {
    t = await makeAccountsApp({ raw: { projects: { autocreate: true } } });
    await pushAs(t.app, admin, 'pub/app-site', 'v1');
    await pushAs(t.app, admin, 'other/app', 'v1');
    // team/engine carries a description label: found by "app" through it.
    const token = await tokenFor(t.app, ['repository:team/engine:pull,push'], admin);
    const config = Buffer.from(
      JSON.stringify({
        os: 'linux',
        architecture: 'amd64',
        config: { Labels: { 'org.opencontainers.image.description': 'the app engine' } },
      }),
    );
    const layer = Buffer.from('engine layer');
    for (const blob of [config, layer]) {
      const r = await request(t.app)
        .post(`/v2/team/engine/blobs/uploads/?digest=${digestOf(blob)}`)
        .set('Authorization', bearer(token))
        .set('Content-Type', 'application/octet-stream')
        .send(blob);
      assert.equal(r.status, 201, r.text);
    }
    const body = JSON.stringify(ociManifest(descriptorOf(MT.ociConfig, config), [descriptorOf(MT.ociLayer, layer)]));
    const put = await request(t.app)
      .put('/v2/team/engine/manifests/1.0')
      .set('Authorization', bearer(token))
      .set('Content-Type', MT.ociManifest)
      .serialize(asIs)
      .send(Buffer.from(body));
    assert.equal(put.status, 201, put.text);
    await t.services.projects.setPublic('pub', true);
    await t.services.accounts.create(dev.user, dev.password);
    await t.services.projects.setMember('team', dev.user, 'developer');
    await t.management.indexer.idle();
  });
  after(() => t?.cleanup());

  it('answers docker’s ping', async () => {
    const res = await request(t.app).get('/v1/_ping');
    assert.equal(res.status, 200);
  });

  it('anonymous callers find only public repositories', async () => {
    const res = await search('app');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(names(res), ['pub/app-site']);
    // What docker sends when it holds no login for the host: Basic with an empty name.
    assert.deepEqual(names(await search('app', basic('', ''))), ['pub/app-site']);
    assert.equal(res.body.query, 'app');
    assert.equal(res.body.num_results, 1);
  });

  it('a member (Basic, as docker sends after a password login) also finds its project’s, with the description', async () => {
    const res = await search('app', basic(dev.user, dev.password));
    assert.deepEqual(names(res), ['pub/app-site', 'team/engine']);
    assert.equal(res.body.results[1].description, 'the app engine');
    assert.equal(res.body.results[1].is_official, false);
  });

  it('a Bearer token for registry:catalog:search from the identity token names the caller too', async () => {
    const login = await tokenRequest(t.app, [], dev, { offline_token: 'true', client_id: 'docker' });
    assert.equal(login.status, 200, login.text);
    const refresh = login.body.refresh_token as string;
    assert.ok(refresh);
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refresh,
      service: 'berth-test',
      scope: 'registry:catalog:search',
      client_id: 'docker',
    });
    const tok = await request(t.app).post('/token').type('form').send(form.toString());
    assert.equal(tok.status, 200, tok.text);
    const res = await search('app', bearer(tok.body.access_token ?? tok.body.token));
    assert.deepEqual(names(res), ['pub/app-site', 'team/engine']);
  });

  it('an administrator finds everything; wrong credentials and a bad n are refused', async () => {
    assert.deepEqual(names(await search('app', basic(admin.user, admin.password))), ['other/app', 'pub/app-site', 'team/engine']);
    assert.equal((await search('app', basic(dev.user, 'wrong'))).status, 401);
    assert.equal((await request(t.app).get('/v1/search?q=app&n=1000')).status, 400);
  });
});
