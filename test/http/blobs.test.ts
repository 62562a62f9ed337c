/** Blob routes: GET with Range, HEAD, per-repository links, DELETE, digest validation, sha512. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { expectError, rawRequest } from '../helpers/http.js';
import { digestOf, getBytes, pushBlob, pushImage, unknownDigest } from '../helpers/oci.js';

const DATA = Buffer.from('0123456789abcdefghij'); // 20 bytes

for (const driver of ['memory', 'fs', 's3'] as const) {
  describe(`blobs on ${driver}`, () => {
    let t: TestApp;
    let digest: string;
    before(async () => {
      t = await makeApp(driver);
      digest = await pushBlob(t.app, 'lib/app', DATA);
    });
    after(() => t.cleanup());

    it('GET streams the exact bytes with length, digest and type', async () => {
      const res = await getBytes(t.app, `/v2/lib/app/blobs/${digest}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, DATA);
      assert.equal(res.headers['content-length'], String(DATA.length));
      assert.equal(res.headers['docker-content-digest'], digest);
      assert.equal(res.headers['content-type'], 'application/octet-stream');
      assert.equal(res.headers['content-range'], undefined);
    });

    it('HEAD answers the exact Content-Length and digest and sends no body', async () => {
      const res = await rawRequest(t.app, 'HEAD', `/v2/lib/app/blobs/${digest}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-length'], String(DATA.length));
      assert.equal(res.headers['docker-content-digest'], digest);
      assert.equal(res.headers['docker-distribution-api-version'], 'registry/2.0');
      assert.equal(res.body.length, 0);
    });

    it('Range bytes=a-b answers 206 with Content-Range and that slice', async () => {
      const res = await getBytes(t.app, `/v2/lib/app/blobs/${digest}`, { Range: 'bytes=2-5' });
      assert.equal(res.status, 206);
      assert.equal(res.headers['content-range'], `bytes 2-5/${DATA.length}`);
      assert.equal(res.headers['content-length'], '4');
      assert.deepEqual(res.body, DATA.subarray(2, 6));
    });

    it('a suffix range bytes=-N answers the last N bytes', async () => {
      const res = await getBytes(t.app, `/v2/lib/app/blobs/${digest}`, { Range: 'bytes=-3' });
      assert.equal(res.status, 206);
      assert.equal(res.headers['content-range'], `bytes 17-19/${DATA.length}`);
      assert.deepEqual(res.body, DATA.subarray(17));
    });

    it('an open-ended range bytes=N- answers from N to the end', async () => {
      const res = await getBytes(t.app, `/v2/lib/app/blobs/${digest}`, { Range: 'bytes=15-' });
      assert.equal(res.status, 206);
      assert.equal(res.headers['content-range'], `bytes 15-19/${DATA.length}`);
      assert.deepEqual(res.body, DATA.subarray(15));
    });

    it('a range ending past the blob is clipped to the last byte', async () => {
      const res = await getBytes(t.app, `/v2/lib/app/blobs/${digest}`, { Range: 'bytes=18-1000' });
      assert.equal(res.status, 206);
      assert.equal(res.headers['content-range'], `bytes 18-19/${DATA.length}`);
      assert.deepEqual(res.body, DATA.subarray(18));
    });

    it('several ranges or a malformed Range are ignored: 200 with the whole blob', async () => {
      for (const range of ['bytes=0-1,4-5', 'items=0-3', 'bytes=x-2']) {
        const res = await getBytes(t.app, `/v2/lib/app/blobs/${digest}`, { Range: range });
        assert.equal(res.status, 200, range);
        assert.deepEqual(res.body, DATA, range);
      }
    });

    for (const range of [`bytes=${DATA.length}-`, `bytes=${DATA.length + 5}-${DATA.length + 9}`, 'bytes=5-2', 'bytes=500-0']) {
      it(`${range} (reversed, or start ≥ size) → 416 RANGE_INVALID with Content-Range bytes */size, no blob bytes`, async () => {
        const res = await request(t.app).get(`/v2/lib/app/blobs/${digest}`).set('Range', range);
        expectError(res, 416, 'RANGE_INVALID');
        assert.equal(res.headers['content-range'], `bytes */${DATA.length}`);
        assert.ok(!res.text.includes(DATA.toString()), 'the blob was sent with the error');
      });
    }

    it('an unknown blob is 404 BLOB_UNKNOWN on GET and HEAD', async () => {
      expectError(await request(t.app).get(`/v2/lib/app/blobs/${unknownDigest()}`), 404, 'BLOB_UNKNOWN');
      expectError(await request(t.app).head(`/v2/lib/app/blobs/${unknownDigest()}`), 404, 'BLOB_UNKNOWN', { head: true });
    });

    it('a blob stored for another repository is 404 here (blobs are linked per repository)', async () => {
      expectError(await request(t.app).get(`/v2/other/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
      expectError(await request(t.app).head(`/v2/lib/app2/blobs/${digest}`), 404, 'BLOB_UNKNOWN', { head: true });
      expectError(await request(t.app).get(`/v2/lib/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
    });

    it('DELETE answers 202, then GET and HEAD are 404 and a second DELETE is 404', async () => {
      const data = Buffer.from(`to delete on ${driver}`);
      const d = await pushBlob(t.app, 'lib/app', data);
      await pushBlob(t.app, 'keeper', data);
      const del = await request(t.app).delete(`/v2/lib/app/blobs/${d}`);
      assert.equal(del.status, 202);
      assert.equal(del.headers['docker-content-digest'], d);
      expectError(await request(t.app).get(`/v2/lib/app/blobs/${d}`), 404, 'BLOB_UNKNOWN');
      expectError(await request(t.app).head(`/v2/lib/app/blobs/${d}`), 404, 'BLOB_UNKNOWN', { head: true });
      expectError(await request(t.app).delete(`/v2/lib/app/blobs/${d}`), 404, 'BLOB_UNKNOWN');
      // Only the link went: another repository holding the same content still serves it.
      assert.deepEqual((await getBytes(t.app, `/v2/keeper/blobs/${d}`)).body, data);
    });

    it('sha512 digests work for monolithic uploads, fetches and ranges', async () => {
      const data = Buffer.from(`sha512 content on ${driver}`);
      const d = await pushBlob(t.app, 'lib/app', data, 'sha512');
      assert.match(d, /^sha512:[a-f0-9]{128}$/);
      const res = await getBytes(t.app, `/v2/lib/app/blobs/${d}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, data);
      assert.equal(res.headers['docker-content-digest'], d);
      const part = await getBytes(t.app, `/v2/lib/app/blobs/${d}`, { Range: 'bytes=0-5' });
      assert.equal(part.status, 206);
      assert.deepEqual(part.body, data.subarray(0, 6));
    });

    it('an empty blob is served with Content-Length 0', async () => {
      const d = await pushBlob(t.app, 'lib/app', Buffer.alloc(0));
      const res = await getBytes(t.app, `/v2/lib/app/blobs/${d}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-length'], '0');
      assert.equal(res.body.length, 0);
    });
  });
}

describe('blob digests and manifests through the blobs endpoint', () => {
  let t: TestApp;
  before(async () => (t = await makeApp('memory')));
  after(() => t.cleanup());

  for (const bad of ['sha256:abc', 'sha256:' + 'g'.repeat(64), 'md5:' + 'a'.repeat(32), 'nodigest', 'sha256:' + 'A'.repeat(64)]) {
    it(`GET, HEAD and DELETE of ${bad.slice(0, 20)}… → 400 DIGEST_INVALID`, async () => {
      expectError(await request(t.app).get(`/v2/foo/blobs/${bad}`), 400, 'DIGEST_INVALID');
      expectError(await request(t.app).head(`/v2/foo/blobs/${bad}`), 400, 'DIGEST_INVALID', { head: true });
      expectError(await request(t.app).delete(`/v2/foo/blobs/${bad}`), 400, 'DIGEST_INVALID');
    });
  }

  it('a manifest can be fetched as a blob of its repository (as Distribution allows)', async () => {
    const img = await pushImage(t.app, 'mf', { ref: 'v1' });
    const res = await getBytes(t.app, `/v2/mf/blobs/${img.digest}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), img.body);
    assert.equal(digestOf(res.body), img.digest);
  });
});

describe('blob deletes disabled', () => {
  let t: TestApp;
  before(async () => (t = await makeApp('memory', { storage: { delete: { enabled: false } } })));
  after(() => t.cleanup());

  it('DELETE → 405 UNSUPPORTED and the blob stays', async () => {
    const d = await pushBlob(t.app, 'foo', 'undeletable');
    expectError(await request(t.app).delete(`/v2/foo/blobs/${d}`), 405, 'UNSUPPORTED');
    assert.equal((await request(t.app).head(`/v2/foo/blobs/${d}`)).status, 200);
  });
});
