/**
 * A chunk whose body disagrees with its Content-Range (sent chunked, so no Content-Length
 * catches it first) is refused with 400 SIZE_INVALID and leaves the upload exactly as it was:
 * same size, same bytes, and the digest of what follows still checks out. On memory, disk and
 * S3, with the running hash kept in storage and in memory, for small chunks and for chunks
 * big enough to be multipart parts on S3.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { expectError, rawRequest } from '../helpers/http.js';
import { digestOf, getBytes, startUpload, withQuery } from '../helpers/oci.js';

const MIB = 1024 * 1024;
const octet = { 'Content-Type': 'application/octet-stream' };

/** PATCH `body` with `Content-Range: range`, chunked (no Content-Length). */
function patchChunked(t: TestApp, path: string, range: string, body: Buffer) {
  const chunks = [body.subarray(0, 1), body.subarray(1)].filter((c) => c.length > 0);
  return rawRequest(t.app, 'PATCH', path, { ...octet, 'Content-Range': range }, chunks);
}

const rangeOf = async (t: TestApp, path: string): Promise<string | undefined> => (await request(t.app).get(path)).headers['range'];

for (const driver of ['memory', 'fs', 's3'] as const) {
  for (const hashstate of ['storage', 'memory'] as const) {
    describe(`a rejected chunk on ${driver}, hash state in ${hashstate}`, () => {
      let t: TestApp;
      before(async () => (t = await makeApp(driver, { storage: { hashstate } })));
      after(() => t.cleanup());

      // Multipart-sized chunks are about the writers (S3 parts), not the hash: once per driver,
      // with its default hash state.
      const big = hashstate === (driver === 's3' ? 'storage' : 'memory');
      for (const [label, firstSize, chunkSize] of [
        ['small chunks', 5, 5],
        ...(big ? ([['multipart-sized chunks', 6 * MIB + 3, 6 * MIB]] as const) : []),
      ] as const) {
        it(`${label}: a longer and a shorter body → 400 SIZE_INVALID, upload unchanged, then it completes`, async () => {
          const { path, id } = await startUpload(t.app, 'chunk/rejected');
          const first = randomBytes(firstSize);
          const ok = await request(t.app)
            .patch(path)
            .set({ ...octet, 'Content-Range': `0-${firstSize - 1}` })
            .send(first);
          assert.equal(ok.status, 202, ok.text);
          const next = `${firstSize}-${firstSize + chunkSize - 1}`;
          const chunk = randomBytes(chunkSize);

          for (const wrong of [Buffer.concat([chunk, randomBytes(7)]), chunk.subarray(0, chunkSize - 2)]) {
            const res = await patchChunked(t, path, next, wrong);
            assert.equal(res.status, 400, res.body.toString());
            assert.equal(JSON.parse(res.body.toString()).errors[0].code, 'SIZE_INVALID');
            assert.equal(await rangeOf(t, path), `0-${firstSize - 1}`, `after a ${wrong.length}-byte body`);
            if (t.root) {
              const data = join(t.root, 'docker/registry/v2/repositories/chunk/rejected/_uploads', id, 'data');
              assert.equal((await stat(data)).size, firstSize, 'bytes of the rejected chunk stayed on disk');
            }
          }

          const good = await patchChunked(t, path, next, chunk);
          assert.equal(good.status, 202, good.body.toString());
          assert.equal(good.headers['range'], `0-${firstSize + chunkSize - 1}`);
          const all = Buffer.concat([first, chunk]);
          const put = await request(t.app).put(withQuery(path, { digest: digestOf(all) }));
          assert.equal(put.status, 201, put.text);
          const got = await getBytes(t.app, `/v2/chunk/rejected/blobs/${digestOf(all)}`);
          assert.equal(digestOf(got.body as Buffer), digestOf(all));
        });
      }

      it('a final chunk (PUT ?digest=) that disagrees with its Content-Range → 400, and the session still completes', async () => {
        const { path } = await startUpload(t.app, 'chunk/final');
        await request(t.app)
          .patch(path)
          .set({ ...octet, 'Content-Range': '0-2' })
          .send(Buffer.from('abc'));
        const all = Buffer.from('abcdef');
        const bad = await rawRequest(t.app, 'PUT', withQuery(path, { digest: digestOf(all) }), { ...octet, 'Content-Range': '3-5' }, [
          Buffer.from('d'),
          Buffer.from('efgh'),
        ]);
        assert.equal(bad.status, 400, bad.body.toString());
        assert.equal(await rangeOf(t, path), '0-2');
        const put = await request(t.app)
          .put(withQuery(path, { digest: digestOf(all) }))
          .set({ ...octet, 'Content-Range': '3-5' })
          .send(Buffer.from('def'));
        assert.equal(put.status, 201, put.text);
        expectError(await request(t.app).get(path), 404, 'BLOB_UPLOAD_UNKNOWN');
      });
    });
  }
}
