/**
 * Sparse image indexes (`validation.manifests.indexes`, Distribution's key): `all` (the default)
 * refuses an index whose children are not pushed, `none` accepts it, `list` checks only the
 * listed platforms. An accepted sparse index lists, HEADs and GETs by tag and digest.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { parseConfig } from '../../src/config/load.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http.js';
import { MT, descriptorOf, digestOf, getBytes, indexOf, looseJson, pushImage, putManifest } from '../helpers/oci.js';
import type { Descriptor } from '../helpers/oci.js';

const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64' };

/** A descriptor of an image manifest nobody pushed, for `platform`. */
function unpushed(seed: string, platform: Descriptor['platform']): Descriptor {
  return descriptorOf(MT.ociManifest, `never pushed: ${seed}`, { platform });
}

for (const driver of ['memory', 'fs', 's3'] as const) {
  describe(`sparse indexes on ${driver}`, () => {
    // One app per setting (on S3 each starts its own s3rver).
    const apps = new Map<string, Promise<TestApp>>();
    const app = (platforms?: string, platformlist?: unknown): Promise<TestApp> => {
      const key = JSON.stringify([platforms, platformlist]);
      if (!apps.has(key)) {
        const indexes = platforms === undefined ? {} : { platforms, ...(platformlist ? { platformlist } : {}) };
        apps.set(key, makeApp(driver, { validation: { manifests: { indexes } } }));
      }
      return apps.get(key)!;
    };
    after(async () => {
      for (const t of apps.values()) await (await t).cleanup();
    });

    it('default (all): an index with a child that is not pushed → 400 MANIFEST_BLOB_UNKNOWN naming it', async () => {
      const t = await app();
      const missing = unpushed('strict', amd64);
      const body = looseJson(indexOf(MT.ociIndex, [missing]));
      const res = await putManifest(t.app, 'sparse/strict', 'v1', body, MT.ociIndex);
      expectError(res, 400, 'MANIFEST_BLOB_UNKNOWN');
      assert.deepEqual(res.body.errors[0].detail.digests, [missing.digest]);
    });

    it('none: accepted, listed, HEAD and GET by tag and digest; the missing child is a plain 404', async () => {
      const t = await app('none');
      const children = [unpushed('a', amd64), unpushed('b', arm64)];
      const body = looseJson(indexOf(MT.ociIndex, children));
      const digest = digestOf(body);
      const put = await putManifest(t.app, 'sparse/none', 'v1', body, MT.ociIndex);
      assert.equal(put.status, 201, put.text);
      assert.deepEqual((await request(t.app).get('/v2/sparse/none/tags/list')).body.tags, ['v1']);
      for (const ref of ['v1', digest]) {
        const head = await request(t.app).head(`/v2/sparse/none/manifests/${ref}`).set('Accept', MT.ociIndex);
        assert.equal(head.status, 200, ref);
        assert.equal(head.headers['docker-content-digest'], digest);
        assert.equal(head.headers['content-length'], String(Buffer.byteLength(body)));
        const got = await getBytes(t.app, `/v2/sparse/none/manifests/${ref}`, { Accept: MT.ociIndex });
        assert.equal(got.status, 200, ref);
        assert.equal((got.body as Buffer).toString(), body);
      }
      // A client that reads only images asks for the index by tag: its amd64 child is not here.
      expectError(await request(t.app).get('/v2/sparse/none/manifests/v1').set('Accept', MT.ociManifest), 404, 'MANIFEST_UNKNOWN');
      expectError(await request(t.app).get(`/v2/sparse/none/manifests/${children[0]!.digest}`), 404, 'MANIFEST_UNKNOWN');
    });

    it('none: a child pushed afterwards is served through the index', async () => {
      const t = await app('none');
      const img = await pushImage(t.app, 'sparse/later', { seed: 'later', platform: amd64 });
      const body = looseJson(indexOf(MT.ociIndex, [img.descriptor, unpushed('later-arm', arm64)]));
      assert.equal((await putManifest(t.app, 'sparse/later', 'multi', body, MT.ociIndex)).status, 201);
      const picked = await request(t.app).get('/v2/sparse/later/manifests/multi').set('Accept', MT.ociManifest);
      assert.equal(picked.status, 200);
      assert.equal(picked.headers['docker-content-digest'], img.digest);
    });

    it('list: only children of the listed platforms must be pushed', async () => {
      const t = await app('List', [amd64]);
      const img = await pushImage(t.app, 'sparse/list', { seed: 'list', platform: amd64 });
      const armOnlyMissing = looseJson(indexOf(MT.ociIndex, [img.descriptor, unpushed('arm', arm64)]));
      assert.equal((await putManifest(t.app, 'sparse/list', 'ok', armOnlyMissing, MT.ociIndex)).status, 201);
      const amdMissing = unpushed('amd', amd64);
      const refused = await putManifest(t.app, 'sparse/list', 'no', looseJson(indexOf(MT.ociIndex, [amdMissing])), MT.ociIndex);
      expectError(refused, 400, 'MANIFEST_BLOB_UNKNOWN');
      assert.deepEqual(refused.body.errors[0].detail.digests, [amdMissing.digest]);
    });

    it('the switch is about index children only: an image manifest still needs its blobs', async () => {
      const t = await app('none');
      const img = await pushImage(t.app, 'sparse/image', { seed: 'image' });
      const body = looseJson({
        schemaVersion: 2,
        mediaType: MT.ociManifest,
        config: img.config,
        layers: [descriptorOf(MT.ociLayer, 'a layer nobody pushed')],
      });
      expectError(await putManifest(t.app, 'sparse/image', 'v1', body, MT.ociManifest), 400, 'MANIFEST_BLOB_UNKNOWN');
    });
  });
}

describe('validation.manifests.indexes in the configuration', () => {
  it('defaults to all; platforms is case-insensitive; env overrides set it and the list', () => {
    assert.deepEqual(parseConfig({}).validation.manifests.indexes, { platforms: 'all', platformlist: [] });
    assert.equal(
      parseConfig({ validation: { manifests: { indexes: { platforms: 'None' } } } }).validation.manifests.indexes.platforms,
      'none',
    );
    const env = parseConfig(
      {},
      {
        BERTH_VALIDATION_MANIFESTS_INDEXES_PLATFORMS: 'list',
        BERTH_VALIDATION_MANIFESTS_INDEXES_PLATFORMLIST: 'linux/amd64, linux/arm64',
      },
    ).validation.manifests.indexes;
    assert.deepEqual(env, { platforms: 'list', platformlist: [amd64, arm64] });
  });

  it('refuses an unknown mode, a malformed platform and unknown keys, naming them', () => {
    for (const indexes of [{ platforms: 'some' }, { platformlist: [{ os: 'linux' }] }, { platformlist: 'linux' }, { platform: 'all' }]) {
      assert.throws(() => parseConfig({ validation: { manifests: { indexes } } }), /validation\.manifests\.indexes/);
    }
  });
});
