/** Upload routes: start, monolithic, mount, PATCH (streamed and ranged), status, PUT, cancel. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { expectError, pathOf, rawRequest } from '../helpers/http.js';
import { digestOf, getBytes, pushBlob, startUpload, unknownDigest, withQuery } from '../helpers/oci.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const octet = { 'Content-Type': 'application/octet-stream' };

for (const driver of ['memory', 'fs', 's3'] as const) {
  describe(`uploads on ${driver}`, () => {
    let t: TestApp;
    before(async () => (t = await makeApp(driver)));
    after(() => t.cleanup());

    it('POST starts a session: 202, Location, Range 0-0, Docker-Upload-UUID', async () => {
      const res = await request(t.app).post('/v2/lib/up/blobs/uploads/');
      assert.equal(res.status, 202);
      const id = res.headers['docker-upload-uuid']!;
      assert.match(id, UUID_RE);
      assert.equal(pathOf(res.headers['location']), `/v2/lib/up/blobs/uploads/${id}`);
      assert.equal(res.headers['range'], '0-0');
      assert.equal(res.headers['content-length'], '0');
    });

    it('monolithic POST ?digest= with a body → 201, Location, Docker-Content-Digest, fetchable', async () => {
      const data = Buffer.from(`monolithic ${driver}`);
      const d = digestOf(data);
      const res = await request(t.app).post(`/v2/lib/up/blobs/uploads/?digest=${d}`).set(octet).send(data);
      assert.equal(res.status, 201);
      assert.equal(pathOf(res.headers['location']), `/v2/lib/up/blobs/${d}`);
      assert.equal(res.headers['docker-content-digest'], d);
      assert.deepEqual((await getBytes(t.app, `/v2/lib/up/blobs/${d}`)).body, data);
    });

    it('several streamed PATCHes without Content-Range, then PUT ?digest= without a body', async () => {
      const parts = ['first-', 'second--', 'third'].map((s) => Buffer.from(s));
      let { path } = await startUpload(t.app, 'lib/up');
      let total = 0;
      for (const part of parts) {
        const res = await request(t.app).patch(path).set(octet).send(part);
        total += part.length;
        assert.equal(res.status, 202);
        assert.equal(res.headers['range'], `0-${total - 1}`);
        assert.match(res.headers['docker-upload-uuid'] ?? '', UUID_RE);
        path = pathOf(res.headers['location']);
      }
      const all = Buffer.concat(parts);
      const d = digestOf(all);
      const put = await request(t.app).put(withQuery(path, { digest: d }));
      assert.equal(put.status, 201);
      assert.equal(pathOf(put.headers['location']), `/v2/lib/up/blobs/${d}`);
      assert.equal(put.headers['docker-content-digest'], d);
      assert.deepEqual((await getBytes(t.app, `/v2/lib/up/blobs/${d}`)).body, all);
    });

    it('a PATCH body sent with chunked transfer encoding (no Content-Length) is appended', async () => {
      const { path } = await startUpload(t.app, 'lib/up');
      const chunks = [Buffer.from('chunked '), Buffer.from('transfer '), Buffer.from('encoding')];
      const res = await rawRequest(t.app, 'PATCH', path, octet, chunks);
      assert.equal(res.status, 202);
      assert.equal(res.headers['range'], `0-${Buffer.concat(chunks).length - 1}`);
      const d = digestOf(Buffer.concat(chunks));
      assert.equal((await request(t.app).put(withQuery(path, { digest: d }))).status, 201);
      assert.deepEqual((await getBytes(t.app, `/v2/lib/up/blobs/${d}`)).body, Buffer.concat(chunks));
    });

    it('PATCH with Content-Range answers an inclusive Range 0-N (no bytes= prefix)', async () => {
      const { path } = await startUpload(t.app, 'lib/up');
      const a = await request(t.app)
        .patch(path)
        .set({ ...octet, 'Content-Range': '0-4' })
        .send(Buffer.from('01234'));
      assert.equal(a.status, 202);
      assert.equal(a.headers['range'], '0-4');
      const b = await request(t.app)
        .patch(path)
        .set({ ...octet, 'Content-Range': '5-9' })
        .send(Buffer.from('56789'));
      assert.equal(b.status, 202);
      assert.equal(b.headers['range'], '0-9');
      const status = await request(t.app).get(path);
      assert.equal(status.status, 204);
      assert.equal(status.headers['range'], '0-9');
      assert.equal(pathOf(status.headers['location']), path);
      assert.equal(status.headers['docker-upload-uuid'], path.split('/').pop());
    });

    it('an out-of-order or overlapping chunk → 416 RANGE_INVALID with the current Range; the upload is unchanged', async () => {
      const { path } = await startUpload(t.app, 'lib/up');
      await request(t.app)
        .patch(path)
        .set({ ...octet, 'Content-Range': '0-4' })
        .send(Buffer.from('abcde'));
      for (const [range, body] of [
        ['7-9', 'xyz'],
        ['3-6', 'XXXX'],
        ['0-4', 'AAAAA'],
      ] as const) {
        const res = await request(t.app)
          .patch(path)
          .set({ ...octet, 'Content-Range': range })
          .send(Buffer.from(body));
        expectError(res, 416, 'RANGE_INVALID');
        assert.equal(res.headers['range'], '0-4', `Range after ${range}`);
        assert.equal((await request(t.app).get(path)).headers['range'], '0-4');
      }
      // The session is intact: the right next chunk is accepted and the content is exact.
      assert.equal(
        (
          await request(t.app)
            .patch(path)
            .set({ ...octet, 'Content-Range': '5-7' })
            .send(Buffer.from('fgh'))
        ).status,
        202,
      );
      const d = digestOf('abcdefgh');
      assert.equal((await request(t.app).put(withQuery(path, { digest: d }))).status, 201);
      assert.equal((await getBytes(t.app, `/v2/lib/up/blobs/${d}`)).body.toString(), 'abcdefgh');
    });

    it('Content-Length not matching Content-Range → 400 and nothing is appended', async () => {
      const { path } = await startUpload(t.app, 'lib/up');
      const res = await request(t.app)
        .patch(path)
        .set({ ...octet, 'Content-Range': '0-9' })
        .send(Buffer.from('short'));
      assert.equal(res.status, 400);
      expectError(res, 400, 'SIZE_INVALID');
      assert.equal((await request(t.app).get(path)).headers['range'], '0-0');
    });

    it('PUT ?digest= with a final chunk (with and without Content-Range) → 201 and exact bytes', async () => {
      for (const withRange of [false, true]) {
        const { path } = await startUpload(t.app, 'lib/up');
        await request(t.app).patch(path).set(octet).send(Buffer.from('head|'));
        const last = Buffer.from(`tail ${withRange}`);
        const all = Buffer.concat([Buffer.from('head|'), last]);
        const d = digestOf(all);
        const headers = withRange ? { ...octet, 'Content-Range': `5-${5 + last.length - 1}` } : octet;
        const put = await request(t.app)
          .put(withQuery(path, { digest: d }))
          .set(headers)
          .send(last);
        assert.equal(put.status, 201, put.text);
        assert.equal(put.headers['docker-content-digest'], d);
        assert.equal(pathOf(put.headers['location']), `/v2/lib/up/blobs/${d}`);
        assert.deepEqual((await getBytes(t.app, `/v2/lib/up/blobs/${d}`)).body, all);
        expectError(await request(t.app).get(path), 404, 'BLOB_UPLOAD_UNKNOWN');
      }
    });

    it('a final chunk at the wrong offset → 416 RANGE_INVALID and the session stays usable', async () => {
      const { path } = await startUpload(t.app, 'lib/up');
      await request(t.app).patch(path).set(octet).send(Buffer.from('12345'));
      const d = digestOf('12345678');
      const bad = await request(t.app)
        .put(withQuery(path, { digest: d }))
        .set({ ...octet, 'Content-Range': '2-4' })
        .send(Buffer.from('678'));
      expectError(bad, 416, 'RANGE_INVALID');
      assert.equal(bad.headers['range'], '0-4');
      const good = await request(t.app)
        .put(withQuery(path, { digest: d }))
        .set({ ...octet, 'Content-Range': '5-7' })
        .send(Buffer.from('678'));
      assert.equal(good.status, 201);
      assert.equal((await getBytes(t.app, `/v2/lib/up/blobs/${d}`)).body.toString(), '12345678');
    });

    it('a chunked upload completes with a sha512 digest', async () => {
      const { path } = await startUpload(t.app, 'lib/up');
      await request(t.app).patch(path).set(octet).send(Buffer.from('sha512 '));
      const all = Buffer.from('sha512 chunked');
      const d = digestOf(all, 'sha512');
      assert.equal(
        (
          await request(t.app)
            .put(withQuery(path, { digest: d }))
            .set(octet)
            .send(Buffer.from('chunked'))
        ).status,
        201,
      );
      assert.deepEqual((await getBytes(t.app, `/v2/lib/up/blobs/${d}`)).body, all);
    });

    it('PUT with the wrong digest → 400 DIGEST_INVALID, nothing stored, session gone', async () => {
      const { path } = await startUpload(t.app, 'lib/up');
      const data = Buffer.from(`wrong digest ${driver}`);
      await request(t.app).patch(path).set(octet).send(data);
      const claimed = digestOf('something else entirely');
      expectError(await request(t.app).put(withQuery(path, { digest: claimed })), 400, 'DIGEST_INVALID');
      expectError(await request(t.app).head(`/v2/lib/up/blobs/${claimed}`), 404, 'BLOB_UNKNOWN', { head: true });
      expectError(await request(t.app).head(`/v2/lib/up/blobs/${digestOf(data)}`), 404, 'BLOB_UNKNOWN', { head: true });
      expectError(await request(t.app).get(path), 404, 'BLOB_UPLOAD_UNKNOWN');
    });

    it('PUT without ?digest → 400 DIGEST_INVALID and the session can still complete', async () => {
      const { path } = await startUpload(t.app, 'lib/up');
      await request(t.app).patch(path).set(octet).send(Buffer.from('no digest'));
      expectError(await request(t.app).put(path), 400, 'DIGEST_INVALID');
      expectError(await request(t.app).put(withQuery(path, { digest: 'md5:' + 'a'.repeat(32) })), 400, 'DIGEST_INVALID');
      assert.equal((await request(t.app).put(withQuery(path, { digest: digestOf('no digest') }))).status, 201);
    });

    it('DELETE → 204, then status, PATCH, PUT and DELETE are 404 BLOB_UPLOAD_UNKNOWN', async () => {
      const { path } = await startUpload(t.app, 'lib/up');
      await request(t.app).patch(path).set(octet).send(Buffer.from('cancel me'));
      assert.equal((await request(t.app).delete(path)).status, 204);
      expectError(await request(t.app).get(path), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectError(await request(t.app).patch(path).set(octet).send(Buffer.from('x')), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectError(await request(t.app).put(withQuery(path, { digest: digestOf('cancel me') })), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectError(await request(t.app).delete(path), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectError(await request(t.app).head(`/v2/lib/up/blobs/${digestOf('cancel me')}`), 404, 'BLOB_UNKNOWN', { head: true });
    });
  });
}

describe('cross-repository mount', () => {
  let t: TestApp;
  before(async () => (t = await makeApp('memory')));
  after(() => t.cleanup());

  it('?mount=&from= → 201 when `from` holds the blob; then the target serves it', async () => {
    const d = await pushBlob(t.app, 'src/repo', 'mountable');
    const res = await request(t.app).post(`/v2/dst/repo/blobs/uploads/?mount=${d}&from=src/repo`);
    assert.equal(res.status, 201);
    assert.equal(pathOf(res.headers['location']), `/v2/dst/repo/blobs/${d}`);
    assert.equal(res.headers['docker-content-digest'], d);
    assert.equal((await getBytes(t.app, `/v2/dst/repo/blobs/${d}`)).body.toString(), 'mountable');
  });

  it('→ 202 and a new session when `from` does not hold the blob (even if another repo does)', async () => {
    const d = await pushBlob(t.app, 'third', 'not in src');
    for (const from of ['src/repo', 'nowhere']) {
      const res = await request(t.app).post(`/v2/dst/repo/blobs/uploads/?mount=${d}&from=${from}`);
      assert.equal(res.status, 202);
      const id = res.headers['docker-upload-uuid']!;
      assert.equal(pathOf(res.headers['location']), `/v2/dst/repo/blobs/uploads/${id}`);
      assert.equal((await request(t.app).get(`/v2/dst/repo/blobs/uploads/${id}`)).status, 204);
    }
    expectError(await request(t.app).head(`/v2/dst/repo/blobs/${d}`), 404, 'BLOB_UNKNOWN', { head: true });
  });

  it('a bad mount digest → 400 DIGEST_INVALID, a bad `from` name → 400 NAME_INVALID', async () => {
    expectError(await request(t.app).post('/v2/dst/blobs/uploads/?mount=sha256:xyz&from=src/repo'), 400, 'DIGEST_INVALID');
    expectError(await request(t.app).post(`/v2/dst/blobs/uploads/?mount=${unknownDigest()}&from=../etc`), 400, 'NAME_INVALID');
  });
});

describe('unknown and invalid upload ids', () => {
  let t: TestApp;
  before(async () => (t = await makeApp('memory')));
  after(() => t.cleanup());

  for (const id of ['3f1a4c1e-0000-4000-8000-000000000000', 'not-a-uuid', '..', '%2e%2e', 'ZZZ']) {
    it(`${id} → 404 BLOB_UPLOAD_UNKNOWN on GET, PATCH, PUT and DELETE`, async () => {
      const path = `/v2/foo/blobs/uploads/${id}`;
      expectError(await request(t.app).get(path), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectError(await request(t.app).patch(path).set(octet).send(Buffer.from('x')), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectError(await request(t.app).put(`${path}?digest=${digestOf('x')}`), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectError(await request(t.app).delete(path), 404, 'BLOB_UPLOAD_UNKNOWN');
    });
  }

  it('a session of one repository is unknown through another', async () => {
    const { id } = await startUpload(t.app, 'mine');
    expectError(await request(t.app).get(`/v2/theirs/blobs/uploads/${id}`), 404, 'BLOB_UPLOAD_UNKNOWN');
    expectError(await request(t.app).patch(`/v2/theirs/blobs/uploads/${id}`).set(octet).send(Buffer.from('x')), 404, 'BLOB_UPLOAD_UNKNOWN');
    assert.equal((await request(t.app).get(`/v2/mine/blobs/uploads/${id}`)).headers['range'], '0-0');
  });

  it('monolithic POST with a wrong digest → 400 DIGEST_INVALID and nothing stored', async () => {
    const claimed = digestOf('claimed');
    const res = await request(t.app).post(`/v2/foo/blobs/uploads/?digest=${claimed}`).set(octet).send(Buffer.from('actual'));
    expectError(res, 400, 'DIGEST_INVALID');
    expectError(await request(t.app).head(`/v2/foo/blobs/${claimed}`), 404, 'BLOB_UNKNOWN', { head: true });
    expectError(await request(t.app).head(`/v2/foo/blobs/${digestOf('actual')}`), 404, 'BLOB_UNKNOWN', { head: true });
  });
});
