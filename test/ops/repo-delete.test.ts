/**
 * Repository delete: tags and manifests go, the repository leaves the catalog at once, nested
 * repositories and other repositories' blobs stay, the next GC run frees what only it held,
 * the event is announced and read-only mode refuses it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { RegistryEvent } from '../../src/events/events.js';
import { NameUnknownError } from '../../src/registry/errors.js';
import { WriteRefusedError } from '../../src/registry/guards.js';
import { parseDigest } from '../../src/registry/reference.js';
import { makeApp, type TestApp, type TestStorage } from '../helpers/app.js';
import { collectorFor, pullImage } from '../helpers/gc.js';
import { expectError } from '../helpers/http.js';
import { MT, pushImage } from '../helpers/oci.js';
import { makeOpsApp } from '../helpers/ops-app.js';

for (const storage of ['memory', 's3'] as TestStorage[]) {
  describe(`repository delete on ${storage}`, () => {
    let t: TestApp;
    before(async () => (t = await makeApp(storage)));
    after(() => t.cleanup());

    it('removes tags and manifests, leaves the catalog at once, and the next GC frees only its blobs', async () => {
      const v1 = await pushImage(t.app, 'team/app', { ref: 'v1', seed: 'app v1' });
      await pushImage(t.app, 'team/app', { ref: 'v2', seed: 'app v2' });
      const nested = await pushImage(t.app, 'team/app/sub', { ref: 'latest', seed: 'nested' });
      // Another repository holds the same image: its blobs must survive.
      const shared = await pushImage(t.app, 'team/other', { ref: 'v1', seed: 'app v1' });
      const events: RegistryEvent<'repository.deleted'>[] = [];
      t.registry.events.on('repository.deleted', (e) => void events.push(e));
      await request(t.app)
        .get('/v2/_catalog')
        .expect(200, { repositories: ['team/app', 'team/app/sub', 'team/other'] });

      const removed = await t.registry.repositories.remove('team/app', { actor: 'admin' });
      assert.deepEqual(removed, { name: 'team/app', tags: ['v1', 'v2'], manifests: 2 });
      await request(t.app)
        .get('/v2/_catalog')
        .expect(200, { repositories: ['team/app/sub', 'team/other'] });
      expectError(await request(t.app).get('/v2/team/app/tags/list'), 404, 'NAME_UNKNOWN');
      assert.equal((await request(t.app).get('/v2/team/app/manifests/v1').set('Accept', MT.ociManifest)).status, 404);
      assert.equal((await request(t.app).get(`/v2/team/app/blobs/${v1.layers[0]!.digest}`)).status, 404);
      assert.deepEqual(
        events.map((e) => [e.data, e.origin.actor]),
        [[{ repository: 'team/app', tags: ['v1', 'v2'], manifests: 2 }, 'admin']],
      );

      const run = await collectorFor(t.registry).run();
      assert.equal(run.ok, true, run.errors.join('; '));
      // v2's manifest, config and layer; v1's are shared with team/other.
      assert.equal(run.freedBlobs, 3);
      assert.equal(await t.registry.blobs.statGlobal(parseDigest(v1.layers[0]!.digest)), v1.layers[0]!.size);
      await pullImage(t.app, 'team/other', 'v1', shared);
      await pullImage(t.app, 'team/app/sub', 'latest', nested);
      await assert.rejects(t.registry.repositories.remove('team/app'), NameUnknownError);
    });
  });
}

describe('repository delete in read-only mode', () => {
  it('is refused, and the repository stays', async () => {
    const t = await makeOpsApp();
    try {
      await pushImage(t.app, 'ro/app', { ref: 'v1' });
      t.ops.readOnly.set(true, 'test');
      await assert.rejects(t.registry.repositories.remove('ro/app'), WriteRefusedError);
      await request(t.app)
        .get('/v2/_catalog')
        .expect(200, { repositories: ['ro/app'] });
    } finally {
      await t.cleanup();
    }
  });
});
