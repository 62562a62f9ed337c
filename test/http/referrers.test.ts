/** The referrers API: an OCI index of the manifests whose subject is a digest, with artifactType filtering. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http.js';
import {
  EMPTY_JSON,
  MT,
  descriptorOf,
  digestOf,
  indexOf,
  looseJson,
  ociManifest,
  pushBlob,
  pushImage,
  pushManifest,
  unknownDigest,
  type PushedImage,
} from '../helpers/oci.js';
import type { App } from '../../src/http/app.js';

const SIG = 'application/vnd.example.signature.v1';
const SBOM = 'application/vnd.example.sbom.v1';

/** Push an artifact (empty config) whose subject is `subject`; its referrer descriptor. */
async function pushArtifact(app: App, name: string, subject: PushedImage, artifactType: string, note: string) {
  await pushBlob(app, name, EMPTY_JSON);
  const payload = Buffer.from(`${artifactType} payload: ${note}`);
  await pushBlob(app, name, payload);
  const annotations = { 'org.example.note': note, 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' };
  const doc = ociManifest(descriptorOf(MT.ociEmpty, EMPTY_JSON), [descriptorOf('application/octet-stream', payload)], {
    artifactType,
    subject: subject.descriptor,
    annotations,
  });
  const body = looseJson(doc);
  const digest = await pushManifest(app, name, digestOf(body), body, MT.ociManifest);
  return { mediaType: MT.ociManifest, digest, size: Buffer.byteLength(body), artifactType, annotations };
}

const byDigest = (a: { digest: string }, b: { digest: string }) => (a.digest < b.digest ? -1 : 1);

for (const driver of ['memory', 'fs'] as const) {
  describe(`referrers on ${driver}`, () => {
    let t: TestApp;
    let image: PushedImage;
    let sig: Awaited<ReturnType<typeof pushArtifact>>;
    let sbom: Awaited<ReturnType<typeof pushArtifact>>;
    before(async () => {
      t = await makeApp(driver);
      image = await pushImage(t.app, 'lib/ref', { ref: 'v1', seed: driver });
    });
    after(() => t.cleanup());

    it('no referrers → 200, an OCI index with an empty manifests list', async () => {
      for (const d of [image.digest, unknownDigest()]) {
        const res = await request(t.app).get(`/v2/lib/ref/referrers/${d}`);
        assert.equal(res.status, 200);
        assert.equal(res.headers['content-type'], MT.ociIndex);
        assert.deepEqual(JSON.parse(res.text), { schemaVersion: 2, mediaType: MT.ociIndex, manifests: [] });
        assert.equal(res.headers['oci-filters-applied'], undefined);
      }
    });

    it('two artifacts with the image as subject are listed with mediaType, digest, size, artifactType, annotations', async () => {
      sig = await pushArtifact(t.app, 'lib/ref', image, SIG, 'signed');
      sbom = await pushArtifact(t.app, 'lib/ref', image, SBOM, 'sbom');
      const res = await request(t.app).get(`/v2/lib/ref/referrers/${image.digest}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], MT.ociIndex);
      const body = JSON.parse(res.text);
      assert.equal(body.schemaVersion, 2);
      assert.equal(body.mediaType, MT.ociIndex);
      assert.deepEqual([...body.manifests].sort(byDigest), [sig, sbom].sort(byDigest));
    });

    it('?artifactType= filters and sets OCI-Filters-Applied: artifactType', async () => {
      const res = await request(t.app).get(`/v2/lib/ref/referrers/${image.digest}?artifactType=${encodeURIComponent(SIG)}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['oci-filters-applied'], 'artifactType');
      assert.deepEqual(JSON.parse(res.text).manifests, [sig]);
      const none = await request(t.app).get(`/v2/lib/ref/referrers/${image.digest}?artifactType=application/x.none`);
      assert.equal(none.headers['oci-filters-applied'], 'artifactType');
      assert.deepEqual(JSON.parse(none.text).manifests, []);
    });

    it('referrers are per repository', async () => {
      const res = await request(t.app).get(`/v2/other/referrers/${image.digest}`);
      assert.equal(res.status, 200);
      assert.deepEqual(JSON.parse(res.text).manifests, []);
    });

    it('after DELETE of a referrer it disappears from the list', async () => {
      assert.equal((await request(t.app).delete(`/v2/lib/ref/manifests/${sig.digest}`)).status, 202);
      const res = await request(t.app).get(`/v2/lib/ref/referrers/${image.digest}`);
      assert.deepEqual(JSON.parse(res.text).manifests, [sbom]);
    });
  });
}

describe('referrers: other shapes and errors', () => {
  let t: TestApp;
  let image: PushedImage;
  before(async () => {
    t = await makeApp('memory');
    image = await pushImage(t.app, 'shapes', { ref: 'v1' });
  });
  after(() => t.cleanup());

  it('an image manifest without artifactType is listed with its config media type as artifactType', async () => {
    const config = Buffer.from('{"custom":"config"}');
    await pushBlob(t.app, 'shapes', config);
    const body = looseJson(ociManifest(descriptorOf('application/vnd.example.config.v1+json', config), [], { subject: image.descriptor }));
    const digest = await pushManifest(t.app, 'shapes', 'cfgtype', body, MT.ociManifest);
    const res = await request(t.app).get(`/v2/shapes/referrers/${image.digest}`);
    const entry = JSON.parse(res.text).manifests.find((m: { digest: string }) => m.digest === digest);
    assert.deepEqual(entry, {
      mediaType: MT.ociManifest,
      digest,
      size: Buffer.byteLength(body),
      artifactType: 'application/vnd.example.config.v1+json',
    });
  });

  it('an index can be a referrer, and a referrer may be pushed before its subject exists', async () => {
    const absent = { mediaType: MT.ociManifest, digest: unknownDigest('later'), size: 10 };
    const body = looseJson(indexOf(MT.ociIndex, [image.descriptor], { subject: absent, artifactType: 'application/x.idx' }));
    const res = await request(t.app)
      .put(`/v2/shapes/manifests/${digestOf(body)}`)
      .set('Content-Type', MT.ociIndex)
      .send(body);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers['oci-subject'], absent.digest);
    const list = JSON.parse((await request(t.app).get(`/v2/shapes/referrers/${absent.digest}`)).text);
    assert.deepEqual(list.manifests, [
      { mediaType: MT.ociIndex, digest: digestOf(body), size: Buffer.byteLength(body), artifactType: 'application/x.idx' },
    ]);
  });

  it('a referrer deleted by tag only stays listed (its manifest still exists)', async () => {
    const body = looseJson(ociManifest(image.config, image.layers, { subject: image.descriptor, artifactType: 'application/x.tagged' }));
    const digest = await pushManifest(t.app, 'shapes', 'tagged-ref', body, MT.ociManifest);
    assert.equal((await request(t.app).delete('/v2/shapes/manifests/tagged-ref')).status, 202);
    const list = JSON.parse((await request(t.app).get(`/v2/shapes/referrers/${image.digest}?artifactType=application/x.tagged`)).text);
    assert.deepEqual(
      list.manifests.map((m: { digest: string }) => m.digest),
      [digest],
    );
  });

  for (const bad of ['sha256:abc', 'md5:' + 'a'.repeat(32), 'latest', 'sha256:' + 'Z'.repeat(64)]) {
    it(`a bad digest ${bad.slice(0, 16)}… → 400 DIGEST_INVALID`, async () => {
      expectError(await request(t.app).get(`/v2/shapes/referrers/${bad}`), 400, 'DIGEST_INVALID');
    });
  }

  it('an invalid repository name → 400 NAME_INVALID', async () => {
    expectError(await request(t.app).get(`/v2/Shapes/referrers/${image.digest}`), 400, 'NAME_INVALID');
  });
});
