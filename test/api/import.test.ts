/**
 * Importing tarballs through POST /api/v1/projects/{project}/import on the real app: a
 * `docker save` tarball and a gzipped OCI layout are pushed under their names (or the ones
 * given); corrupt ones are refused with 400 saying what is wrong and leave nothing behind;
 * an upload over the size limit is 413; pushing needs push permission.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { ADMIN_PASSWORD, makeAccountsApp, tempDir, tokenFor, type AccountsApp } from '../helpers/accounts.js';
import { basic, bearer } from '../helpers/auth.js';
import { getBytes } from '../helpers/oci.js';
import { dockerSaveTarball, ociLayoutTarball, tarOf } from '../helpers/tarballs.js';
import { assertError } from './helpers.js';

const admin = { user: 'admin', password: ADMIN_PASSWORD };

describe('API: import a tarball', () => {
  let t: AccountsApp;
  let tmp: { dir: string; remove(): Promise<void> };
  const upload = (project: string, tar: Buffer, query = '', who = admin) =>
    request(t.app)
      .post(`/api/v1/projects/${project}/import${query}`)
      .set('Authorization', basic(who.user, who.password))
      .attach('file', tar, { filename: 'image.tar', contentType: 'application/x-tar' });
  const repositories = async () => (await t.registry.catalog.all()).filter((n) => n.startsWith('team/'));
  const pull = async (repo: string, ref: string) => {
    const token = await tokenFor(t.app, [`repository:${repo}:pull`], admin);
    return request(t.app)
      .get(`/v2/${repo}/manifests/${ref}`)
      .set('Authorization', bearer(token))
      .set('Accept', 'application/vnd.oci.image.manifest.v1+json');
  };

  before(async () => {
    tmp = await tempDir('berth-import-test-');
    t = await makeAccountsApp({ raw: { import: { maxsize: 64 * 1024, tmpdir: tmp.dir } } });
    await t.services.projects.create('team', {});
    await t.services.accounts.create('guest', 'guest-password');
    await t.services.projects.setMember('team', 'guest', 'guest');
  });
  after(async () => {
    await t?.cleanup();
    await tmp?.remove();
  });

  it('a docker save tarball is pushed under its RepoTags into the project, every blob as it was', async () => {
    const saved = await dockerSaveTarball('one', ['registry.example.com/lib/hello:1.0', 'hello:latest']);
    const res = await upload('team', saved.tar);
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.images[0].repository, 'team/hello');
    assert.deepEqual(res.body.images[0].tags, ['1.0', 'latest']);
    const got = await pull('team/hello', '1.0');
    assert.equal(got.status, 200, got.text);
    const manifest = JSON.parse(got.text);
    // The image ID (the config's digest) is kept: docker pull shows the same image.
    assert.equal(manifest.config.digest, saved.configDigest);
    assert.equal(manifest.layers[0].digest, saved.layerDigest);
    const token = await tokenFor(t.app, ['repository:team/hello:pull'], admin);
    const layer = await getBytes(t.app, `/v2/team/hello/blobs/${saved.layerDigest}`, { authorization: bearer(token) });
    assert.deepEqual(layer.body, saved.layer);
    assert.equal((await pull('team/hello', 'latest')).headers['docker-content-digest'], res.body.images[0].digest);
    // The index and the audit log heard of it as of any push, by the importer.
    assert.equal((await t.services.stores.index.artifact('team/hello', { tag: '1.0' }))?.pushedBy, 'admin');
  });

  it('a gzipped OCI layout imports, with repository= and tag= overriding its names', async () => {
    const oci = await ociLayoutTarball('two', 'v2', { gzip: true });
    const res = await upload('team', oci.tar, '?repository=tools/app&tag=stable');
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.images, [{ repository: 'team/tools/app', digest: oci.manifestDigest, tags: ['stable'] }]);
    assert.equal((await pull('team/tools/app', 'stable')).headers['docker-content-digest'], oci.manifestDigest);
    const named = await upload('team', (await ociLayoutTarball('three', 'v3')).tar, '?repository=team/plain');
    assert.equal(named.status, 201, named.text);
    assert.deepEqual(named.body.images[0].tags, ['v3']);
  });

  it('corrupt tarballs are refused with what is wrong, and leave nothing behind', async () => {
    const before = await repositories();
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('this is not a tarball at all, not even close'.repeat(20)), /not a tar/],
      [Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8]), /gzip|tar/],
      [await tarOf([{ name: 'README', data: 'hello' }]), /no manifest\.json or index\.json/],
      [(await dockerSaveTarball('bad', ['bad:1'], { diffId: `sha256:${'0'.repeat(64)}` })).tar, /digest mismatch/],
      [(await dockerSaveTarball('gone', ['gone:1'], { dropLayer: true })).tar, /layer .* is missing/],
      [(await dockerSaveTarball('nameless', null)).tar, /no name: give repository=/],
    ];
    for (const [tar, message] of cases) assertError(await upload('team', tar), 400, 'INVALID_INPUT', message);
    assert.deepEqual(await repositories(), before);
    assert.deepEqual(await readdir(tmp.dir), [], 'no staged or uploaded file is left');
  });

  it('over the size limit is 413; a guest may not import; an unknown project is 404', async () => {
    const big = await tarOf([{ name: 'big', data: Buffer.alloc(100 * 1024, 1) }]);
    assertError(await upload('team', big), 413, 'TOO_LARGE');
    const saved = await dockerSaveTarball('four', ['x:1']);
    assertError(await upload('team', saved.tar, '', { user: 'guest', password: 'guest-password' }), 403, 'DENIED');
    assertError(await upload('nope', saved.tar), 404, 'NOT_FOUND');
    assertError(
      await request(t.app).post('/api/v1/projects/team/import').set('Authorization', basic(admin.user, admin.password)).send({}),
      400,
      'INVALID_INPUT',
    );
    assert.deepEqual(await readdir(tmp.dir), []);
  });
});
