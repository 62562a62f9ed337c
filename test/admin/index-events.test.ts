/**
 * The artifact index follows the registry's events (push, tag, pull, delete through the real
 * /v2 API) and `rebuild` recreates it from storage, also on a first start over a folder that
 * already holds content.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { rebuildIndex } from '../../src/admin/index-rebuild.js';
import { createLogger } from '../../src/log.js';
import { ADMIN_PASSWORD, makeAccountsApp, tempDir, tokenFor, type AccountsApp } from '../helpers/accounts.js';
import { bearer } from '../helpers/auth.js';
import { asIs } from '../helpers/http.js';
import { descriptorOf, digestOf, indexOf, MT } from '../helpers/oci.js';
import { pushAs } from './push-as.js';

const admin = { user: 'admin', password: ADMIN_PASSWORD };

describe('artifact index', () => {
  let t: AccountsApp;
  let root: { dir: string; remove(): Promise<void> };
  before(async () => {
    root = await tempDir('berth-index-');
    t = await makeAccountsApp({ root: root.dir, raw: { projects: { autocreate: true } } });
  });
  after(async () => {
    await t?.cleanup();
    await root?.remove();
  });
  const index = () => t.services.stores.index;
  const settle = () => t.management.indexer.idle();
  const as = async (scope: string) => bearer(await tokenFor(t.app, [scope], admin));

  it('a push is indexed with its size, tags and pusher; a pull is recorded in a batch', async () => {
    const digest = await pushAs(t.app, admin, 'team/app', 'v1');
    await settle();
    const a = await index().artifact('team/app', { tag: 'v1' });
    assert.equal(a?.digest, digest);
    assert.deepEqual(a?.tags, ['v1']);
    assert.equal(a?.pushedBy, 'admin');
    const manifest = JSON.parse(
      (await t.registry.manifests.load({ algorithm: 'sha256', hex: digest.slice(7), value: digest })).body.toString(),
    );
    assert.equal(a?.size, manifest.config.size + manifest.layers[0].size);
    assert.equal(a?.pulledAt, undefined);

    const pulled = await request(t.app)
      .get('/v2/team/app/manifests/v1')
      .set('Authorization', await as('repository:team/app:pull'))
      .set('Accept', MT.ociManifest);
    assert.equal(pulled.status, 200);
    await settle();
    assert.ok((await index().artifact('team/app', { digest }))?.pulledAt instanceof Date);
    const repo = await index().repository('team/app');
    assert.equal(repo?.artifactCount, 1);
    assert.equal(repo?.project, 'team');
  });

  it('an index records its children’s platforms and sizes; tag and manifest deletes follow', async () => {
    const amd = await pushAs(t.app, admin, 'team/multi', 'amd');
    const arm = await pushAs(t.app, admin, 'team/multi', 'arm');
    const load = async (d: string) => (await t.registry.manifests.load({ algorithm: 'sha256', hex: d.slice(7), value: d })).body;
    const children = [
      descriptorOf(MT.ociManifest, await load(amd), { platform: { os: 'linux', architecture: 'amd64' } }),
      descriptorOf(MT.ociManifest, await load(arm), { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } }),
    ];
    const body = JSON.stringify(indexOf(MT.ociIndex, children));
    const put = await request(t.app)
      .put('/v2/team/multi/manifests/latest')
      .set('Authorization', await as('repository:team/multi:pull,push'))
      .set('Content-Type', MT.ociIndex)
      .serialize(asIs)
      .send(Buffer.from(body));
    assert.equal(put.status, 201, put.text);
    await settle();
    const idx = await index().artifact('team/multi', { tag: 'latest' });
    assert.deepEqual(idx?.platforms, ['linux/amd64', 'linux/arm64/v8']);
    const images = await index().artifacts('team/multi', { query: 'a' });
    const sizes = images.filter((x) => x.platforms === undefined).reduce((n, x) => n + x.size, 0);
    assert.equal(idx?.size, sizes);
    assert.equal((await index().repository('team/multi'))?.size, sizes, 'the index is not counted twice');

    const del = await as('repository:team/multi:delete');
    assert.equal((await request(t.app).delete('/v2/team/multi/manifests/arm').set('Authorization', del)).status, 202);
    await settle();
    assert.deepEqual((await index().artifact('team/multi', { digest: arm }))?.tags, []);
    assert.equal(
      (
        await request(t.app)
          .delete(`/v2/team/multi/manifests/${digestOf(body)}`)
          .set('Authorization', del)
      ).status,
      202,
    );
    await settle();
    assert.equal(await index().artifact('team/multi', { tag: 'latest' }), undefined);
    assert.equal(await index().countArtifacts('team/multi'), 2);
  });

  it('rebuild recreates the index from storage and drops what storage no longer holds', async () => {
    await settle();
    const before = await index().artifacts('team/app');
    await index().removeRepository('team/app');
    await index().putArtifact({ ...before[0]!, repository: 'ghost/gone', project: 'ghost', digest: 'sha256:' + '0'.repeat(64) }, ['x']);
    const result = await rebuildIndex(t.registry, index(), createLogger('error'), t.management.indexer);
    assert.equal(result.removed, 1);
    assert.equal(await index().repository('ghost/gone'), undefined);
    const rebuilt = await index().artifacts('team/app');
    assert.deepEqual(
      rebuilt.map((a) => [a.digest, a.tags, a.size]),
      before.map((a) => [a.digest, a.tags, a.size]),
    );
  });

  it('a first start over a folder with content builds the index by itself', async () => {
    await settle();
    const fresh = await makeAccountsApp({ root: root.dir });
    try {
      await fresh.management.indexed;
      await fresh.management.indexer.idle();
      const names = (await fresh.services.stores.index.repositories()).map((r) => r.name);
      assert.deepEqual(names, ['team/app', 'team/multi']);
      assert.deepEqual((await fresh.services.stores.index.artifact('team/app', { tag: 'v1' }))?.tags, ['v1']);
    } finally {
      await fresh.cleanup();
    }
  });
});
