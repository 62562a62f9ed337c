/** Upload behaviour only the filesystem can show: what lands on disk, and surviving a restart. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { appAt, filesUnder } from '../helpers/app-at.js';
import { expectError, pathOf } from '../helpers/http.js';
import { digestOf, getBytes, startUpload, withQuery } from '../helpers/oci.js';

const octet = { 'Content-Type': 'application/octet-stream' };
const BLOBS = join('docker', 'registry', 'v2', 'blobs');

describe('uploads on disk', () => {
  let root: string;
  before(async () => (root = await mkdtemp(join(tmpdir(), 'berth-up-'))));
  after(() => rm(root, { recursive: true, force: true }));

  it('a PUT with the wrong digest leaves no blob data for either digest and removes the upload folder', async () => {
    const app = appAt(root);
    const { path, id } = await startUpload(app, 'disk/wrong');
    const data = Buffer.from('bytes whose digest the client gets wrong');
    await request(app).patch(path).set(octet).send(data);
    assert.ok(
      (await filesUnder(root)).some((f) => f.includes(id)),
      'upload data is staged under the root',
    );
    const claimed = digestOf('not these bytes');
    expectError(await request(app).put(withQuery(path, { digest: claimed })), 400, 'DIGEST_INVALID');
    const files = await filesUnder(root);
    assert.deepEqual(await filesUnder(join(root, BLOBS)), []);
    for (const d of [claimed, digestOf(data)]) assert.ok(!files.some((f) => f.includes(d.slice(7))), `a file names ${d}`);
    assert.ok(!files.some((f) => f.includes(id)), `upload ${id} left files: ${files.join(', ')}`);
  });

  it('a completed upload is stored once by digest, and its staging folder is gone', async () => {
    const app = appAt(root);
    const { path, id } = await startUpload(app, 'disk/ok');
    const data = Buffer.from('promoted content');
    const d = digestOf(data);
    assert.equal(
      (
        await request(app)
          .put(withQuery(path, { digest: d }))
          .set(octet)
          .send(data)
      ).status,
      201,
    );
    const hex = d.slice('sha256:'.length);
    assert.deepEqual(await filesUnder(join(root, BLOBS)), [join('sha256', hex.slice(0, 2), hex, 'data')]);
    assert.ok(!(await filesUnder(root)).some((f) => f.includes(id)));
  });

  it('content uploaded again (another repository) is stored once', async () => {
    const app = appAt(root);
    const data = Buffer.from('promoted content');
    const { path, id } = await startUpload(app, 'disk/again');
    assert.equal(
      (
        await request(app)
          .put(withQuery(path, { digest: digestOf(data) }))
          .set(octet)
          .send(data)
      ).status,
      201,
    );
    const hex = digestOf(data).slice('sha256:'.length);
    assert.deepEqual(await filesUnder(join(root, BLOBS)), [join('sha256', hex.slice(0, 2), hex, 'data')]);
    assert.ok(!(await filesUnder(root)).some((f) => f.includes(id)));
    assert.deepEqual((await getBytes(app, `/v2/disk/again/blobs/${digestOf(data)}`)).body, data);
  });

  it('a cancelled upload leaves nothing behind', async () => {
    const app = appAt(root);
    const { path, id } = await startUpload(app, 'disk/cancel');
    await request(app).patch(path).set(octet).send(Buffer.from('abandoned'));
    assert.equal((await request(app).delete(path)).status, 204);
    assert.ok(!(await filesUnder(root)).some((f) => f.includes(id)));
  });
});

describe('an upload survives a restart', () => {
  let root: string;
  before(async () => (root = await mkdtemp(join(tmpdir(), 'berth-restart-'))));
  after(() => rm(root, { recursive: true, force: true }));

  it('PATCH through one instance, PUT through a second on the same root → 201, exact content', async () => {
    const first = appAt(root);
    const { path } = await startUpload(first, 'lib/restart');
    const a = Buffer.from('written before the restart; ');
    const res = await request(first).patch(path).set(octet).send(a);
    assert.equal(res.status, 202);

    const second = appAt(root);
    const status = await request(second).get(path);
    assert.equal(status.status, 204);
    assert.equal(status.headers['range'], `0-${a.length - 1}`);
    const b = Buffer.from('and the last chunk after it');
    const all = Buffer.concat([a, b]);
    const d = digestOf(all);
    const put = await request(second)
      .put(withQuery(pathOf(status.headers['location']), { digest: d }))
      .set(octet)
      .send(b);
    assert.equal(put.status, 201, put.text);
    assert.equal(put.headers['docker-content-digest'], d);
    assert.deepEqual((await getBytes(second, `/v2/lib/restart/blobs/${d}`)).body, all);
    assert.deepEqual((await getBytes(first, `/v2/lib/restart/blobs/${d}`)).body, all);
  });

  it('chunks alternating between two instances still hash to the right digest', async () => {
    const one = appAt(root);
    const two = appAt(root);
    const { path } = await startUpload(one, 'lib/restart');
    // one, two, one: the last append through `one` follows bytes its running hash never saw.
    const parts = ['alpha ', 'beta ', 'gamma'].map((s) => Buffer.from(s));
    let offset = 0;
    for (const [i, part] of parts.entries()) {
      const app = i % 2 === 0 ? one : two;
      const range = `${offset}-${offset + part.length - 1}`;
      const res = await request(app)
        .patch(path)
        .set({ ...octet, 'Content-Range': range })
        .send(part);
      assert.equal(res.status, 202, res.text);
      offset += part.length;
      assert.equal(res.headers['range'], `0-${offset - 1}`);
    }
    const all = Buffer.concat(parts);
    // Completed through `one`: its hash went stale when `two` appended, so it must not be reused.
    assert.equal((await request(one).put(withQuery(path, { digest: digestOf(all) }))).status, 201);
    assert.deepEqual((await getBytes(two, `/v2/lib/restart/blobs/${digestOf(all)}`)).body, all);
  });

  it('a running hash left stale by another instance is not trusted', async () => {
    const one = appAt(root);
    const two = appAt(root);
    // `one` holds a running hash at offset 0; `two` appends behind its back; `one` completes.
    const { path } = await startUpload(one, 'lib/restart');
    const data = Buffer.from('appended by the other instance');
    assert.equal((await request(two).patch(path).set(octet).send(data)).status, 202);
    const put = await request(one).put(withQuery(path, { digest: digestOf(data) }));
    assert.equal(put.status, 201, put.text);
    assert.deepEqual((await getBytes(one, `/v2/lib/restart/blobs/${digestOf(data)}`)).body, data);
  });

  it('a wrong digest is still caught after a restart', async () => {
    const { path } = await startUpload(appAt(root), 'lib/restart');
    await request(appAt(root)).patch(path).set(octet).send(Buffer.from('restart then lie'));
    expectError(await request(appAt(root)).put(withQuery(path, { digest: digestOf('a lie') })), 400, 'DIGEST_INVALID');
    expectError(await request(appAt(root)).get(path), 404, 'BLOB_UPLOAD_UNKNOWN');
  });
});
