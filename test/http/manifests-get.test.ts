/** Manifest GET/HEAD (headers, ETag, Accept negotiation) and DELETE by digest and by tag. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { expectError, rawRequest } from '../helpers/http.js';
import { MT, getBytes, indexOf, looseJson, pushImage, pushManifest, unknownDigest, type PushedImage } from '../helpers/oci.js';

for (const driver of ['memory', 'fs', 's3'] as const) {
  describe(`manifest GET and HEAD on ${driver}`, () => {
    let t: TestApp;
    let img: PushedImage;
    before(async () => {
      t = await makeApp(driver);
      img = await pushImage(t.app, 'lib/get', { ref: 'v1', seed: driver });
    });
    after(() => t.cleanup());

    for (const by of ['tag', 'digest'] as const) {
      it(`GET by ${by}: stored Content-Type, Docker-Content-Digest, Content-Length, ETag, exact body`, async () => {
        const ref = by === 'tag' ? 'v1' : img.digest;
        const res = await getBytes(t.app, `/v2/lib/get/manifests/${ref}`, { Accept: MT.ociManifest });
        assert.equal(res.status, 200);
        assert.equal(res.headers['content-type'], MT.ociManifest);
        assert.equal(res.headers['docker-content-digest'], img.digest);
        assert.equal(res.headers['content-length'], String(Buffer.byteLength(img.body)));
        assert.equal(res.headers['etag'], `"${img.digest}"`);
        assert.equal(res.body.toString(), img.body);
      });
    }

    it('HEAD answers the same headers and no body', async () => {
      const res = await rawRequest(t.app, 'HEAD', '/v2/lib/get/manifests/v1', { Accept: MT.ociManifest });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], MT.ociManifest);
      assert.equal(res.headers['docker-content-digest'], img.digest);
      assert.equal(res.headers['content-length'], String(Buffer.byteLength(img.body)));
      assert.equal(res.headers['etag'], `"${img.digest}"`);
      assert.equal(res.body.length, 0);
    });

    it('If-None-Match with the ETag → 304 without a body; another ETag → 200', async () => {
      const etag = `"${img.digest}"`;
      const hit = await rawRequest(t.app, 'GET', '/v2/lib/get/manifests/v1', { 'If-None-Match': etag });
      assert.equal(hit.status, 304);
      assert.equal(hit.body.length, 0);
      assert.equal(hit.headers['etag'], etag);
      const list = await request(t.app).get(`/v2/lib/get/manifests/${img.digest}`).set('If-None-Match', `"sha256:other", ${etag}`);
      assert.equal(list.status, 304);
      const miss = await request(t.app).get('/v2/lib/get/manifests/v1').set('If-None-Match', `"${unknownDigest()}"`);
      assert.equal(miss.status, 200);
    });

    it('unknown tags and digests → 404 MANIFEST_UNKNOWN (GET and HEAD, known and unknown repo)', async () => {
      for (const path of ['/v2/lib/get/manifests/nope', `/v2/lib/get/manifests/${unknownDigest()}`, '/v2/unknown/manifests/v1']) {
        expectError(await request(t.app).get(path), 404, 'MANIFEST_UNKNOWN');
        expectError(await request(t.app).head(path), 404, 'MANIFEST_UNKNOWN', { head: true });
      }
      expectError(await request(t.app).get(`/v2/other/manifests/${img.digest}`), 404, 'MANIFEST_UNKNOWN');
    });

    it('an invalid tag → 400 TAG_INVALID', async () => {
      for (const tag of ['.hidden', '-dash', 'x'.repeat(129), 'a+b']) {
        expectError(await request(t.app).get(`/v2/lib/get/manifests/${tag}`), 400, 'TAG_INVALID');
      }
    });
  });
}

describe('Accept negotiation', () => {
  let t: TestApp;
  let oci: PushedImage;
  let amd: PushedImage;
  let arm: PushedImage;
  let listDigest: string;
  before(async () => {
    t = await makeApp('memory');
    oci = await pushImage(t.app, 'acc', { ref: 'oci', seed: 'oci' });
    amd = await pushImage(t.app, 'acc', { docker: true, seed: 'amd', platform: { os: 'linux', architecture: 'amd64' } });
    arm = await pushImage(t.app, 'acc', { docker: true, seed: 'arm', platform: { os: 'linux', architecture: 'arm64' } });
    // arm64 first, so picking the first entry instead of linux/amd64 is caught.
    listDigest = await pushManifest(
      t.app,
      'acc',
      'multi',
      looseJson(indexOf(MT.dockerList, [arm.descriptor, amd.descriptor])),
      MT.dockerList,
    );
  });
  after(() => t.cleanup());

  const get = (ref: string, accept?: string | string[]) =>
    getBytes(t.app, `/v2/acc/manifests/${ref}`, accept === undefined ? {} : { Accept: accept });

  it('no Accept header, */* and application/* all get the stored manifest', async () => {
    for (const accept of [undefined, '*/*', 'application/*', '']) {
      const res = await get('oci', accept);
      assert.equal(res.status, 200, String(accept));
      assert.equal(res.headers['docker-content-digest'], oci.digest);
    }
  });

  it('several Accept headers are combined', async () => {
    const res = await get('oci', [MT.dockerManifest, MT.ociManifest]);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], MT.ociManifest);
  });

  it('a comma list with parameters and odd spacing is understood', async () => {
    const res = await get('oci', `${MT.dockerManifest} ; q=0.9 ,  ${MT.ociManifest.toUpperCase()};q=0.5`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['docker-content-digest'], oci.digest);
  });

  it('a stored type the client does not accept → 404 MANIFEST_UNKNOWN', async () => {
    expectError(await get('oci', MT.dockerManifest), 404, 'MANIFEST_UNKNOWN');
    expectError(await get(oci.digest, [MT.dockerManifest, MT.dockerList]), 404, 'MANIFEST_UNKNOWN');
  });

  it('q=0 excludes a type, even when it is the only one listed', async () => {
    expectError(await get('oci', `${MT.ociManifest};q=0`), 404, 'MANIFEST_UNKNOWN');
    expectError(await get('oci', `${MT.ociManifest}; q=0.0, ${MT.dockerManifest}`), 404, 'MANIFEST_UNKNOWN');
    expectError(await get('oci', [`${MT.ociManifest};q=0`, MT.dockerManifest]), 404, 'MANIFEST_UNKNOWN');
  });

  it('q=0 on a type wins over a wildcard that would match it (RFC 9110: most specific range decides)', async () => {
    expectError(await get('oci', `${MT.ociManifest};q=0, */*`), 404, 'MANIFEST_UNKNOWN');
    expectError(await get('oci', `application/*;q=0, ${MT.dockerManifest}`), 404, 'MANIFEST_UNKNOWN');
    assert.equal((await get('oci', `${MT.dockerManifest};q=0, */*`)).status, 200);
  });

  it('an index by tag with only schema2 accepted returns the linux/amd64 child', async () => {
    const res = await get('multi', MT.dockerManifest);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], MT.dockerManifest);
    assert.equal(res.headers['docker-content-digest'], amd.digest);
    assert.equal(res.body.toString(), amd.body);
  });

  it('the index itself when its type is accepted; 404 by digest when it is not', async () => {
    const res = await get('multi', [MT.dockerManifest, MT.dockerList]);
    assert.equal(res.headers['docker-content-digest'], listDigest);
    assert.equal(res.headers['content-type'], MT.dockerList);
    expectError(await get(listDigest, MT.dockerManifest), 404, 'MANIFEST_UNKNOWN');
    expectError(await get('multi', MT.ociManifest), 404, 'MANIFEST_UNKNOWN');
  });
});

for (const driver of ['memory', 'fs', 's3'] as const) {
  describe(`manifest DELETE on ${driver}`, () => {
    let t: TestApp;
    before(async () => (t = await makeApp(driver)));
    after(() => t.cleanup());
    const tags = async (name: string) => (await request(t.app).get(`/v2/${name}/tags/list`)).body.tags as string[];

    it('DELETE by digest → 202; the manifest and every tag pointing at it are gone, other tags stay', async () => {
      const img = await pushImage(t.app, 'del', { ref: 'a', seed: 'one' });
      await pushManifest(t.app, 'del', 'b', img.body, MT.ociManifest);
      const other = await pushImage(t.app, 'del', { ref: 'c', seed: 'two' });
      assert.deepEqual(await tags('del'), ['a', 'b', 'c']);
      assert.equal((await request(t.app).delete(`/v2/del/manifests/${img.digest}`)).status, 202);
      expectError(await request(t.app).get(`/v2/del/manifests/${img.digest}`), 404, 'MANIFEST_UNKNOWN');
      expectError(await request(t.app).get('/v2/del/manifests/a'), 404, 'MANIFEST_UNKNOWN');
      assert.deepEqual(await tags('del'), ['c']);
      assert.equal((await request(t.app).get(`/v2/del/manifests/${other.digest}`)).status, 200);
      expectError(await request(t.app).delete(`/v2/del/manifests/${img.digest}`), 404, 'MANIFEST_UNKNOWN');
    });

    it('DELETE by tag → 202; only the tag goes, the manifest stays reachable by digest', async () => {
      const img = await pushImage(t.app, 'deltag', { ref: 'x', seed: 'tagged' });
      await pushManifest(t.app, 'deltag', 'y', img.body, MT.ociManifest);
      assert.equal((await request(t.app).delete('/v2/deltag/manifests/x')).status, 202);
      expectError(await request(t.app).get('/v2/deltag/manifests/x'), 404, 'MANIFEST_UNKNOWN');
      assert.equal((await request(t.app).get(`/v2/deltag/manifests/${img.digest}`)).status, 200);
      assert.equal((await request(t.app).get('/v2/deltag/manifests/y')).status, 200);
      assert.deepEqual(await tags('deltag'), ['y']);
      expectError(await request(t.app).delete('/v2/deltag/manifests/x'), 404, 'MANIFEST_UNKNOWN');
    });

    it('DELETE of an unknown digest or an invalid reference is refused', async () => {
      expectError(await request(t.app).delete(`/v2/del/manifests/${unknownDigest()}`), 404, 'MANIFEST_UNKNOWN');
      expectError(await request(t.app).delete('/v2/del/manifests/.bad'), 400, 'TAG_INVALID');
      expectError(await request(t.app).delete('/v2/del/manifests/sha256:short'), 400, 'DIGEST_INVALID');
    });
  });
}

describe('manifest deletes disabled', () => {
  let t: TestApp;
  before(async () => (t = await makeApp('memory', { storage: { delete: { enabled: false } } })));
  after(() => t.cleanup());

  it('DELETE by digest and by tag → 405 UNSUPPORTED; both stay', async () => {
    const img = await pushImage(t.app, 'keep', { ref: 'v1' });
    expectError(await request(t.app).delete(`/v2/keep/manifests/${img.digest}`), 405, 'UNSUPPORTED');
    expectError(await request(t.app).delete('/v2/keep/manifests/v1'), 405, 'UNSUPPORTED');
    assert.equal((await request(t.app).get('/v2/keep/manifests/v1')).status, 200);
    assert.equal((await request(t.app).get(`/v2/keep/manifests/${img.digest}`)).status, 200);
  });
});
