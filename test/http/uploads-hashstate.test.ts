/** Upload hash states: saved in storage after every chunk, or kept in memory; the rehash when missing. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { appAt } from '../helpers/app-at.js';
import { expectError } from '../helpers/http.js';
import { digestOf, getBytes, startUpload, withQuery } from '../helpers/oci.js';

const octet = { 'Content-Type': 'application/octet-stream' };

const STORED = { storage: { hashstate: 'storage' } };

describe('upload hash states saved on disk (storage.hashstate: storage)', () => {
  let root: string;
  before(async () => (root = await mkdtemp(join(tmpdir(), 'berth-hs-'))));
  after(() => rm(root, { recursive: true, force: true }));
  const states = (name: string, id: string) =>
    readdir(join(root, 'docker/registry/v2/repositories', name, '_uploads', id, 'hashstates/sha256')).catch(() => []);

  it('keeps exactly one state, named by the bytes it covers', async () => {
    const app = appAt(root, STORED);
    const { path, id } = await startUpload(app, 'hs/one');
    await request(app).patch(path).set(octet).send(Buffer.from('0123456789'));
    assert.deepEqual(await states('hs/one', id), ['10']);
    await request(app).patch(path).set(octet).send(Buffer.from('abcde'));
    assert.deepEqual(await states('hs/one', id), ['15']);
    const put = await request(app).put(withQuery(path, { digest: digestOf('0123456789abcde') }));
    assert.equal(put.status, 201);
  });

  it('a missing state is rebuilt from the stored bytes, and digests are still checked', async () => {
    const app = appAt(root, STORED);
    const data = Buffer.from('bytes whose saved hash state goes missing');
    for (const [claimed, status] of [
      [digestOf('something else'), 400],
      [digestOf(data), 201],
    ] as const) {
      const { path, id } = await startUpload(app, 'hs/lost');
      await request(app).patch(path).set(octet).send(data);
      await rm(join(root, 'docker/registry/v2/repositories/hs/lost/_uploads', id, 'hashstates'), { recursive: true });
      // A restarted registry (a new app on the same root) continues without the state.
      const res = await request(appAt(root, STORED)).put(withQuery(path, { digest: claimed }));
      if (status === 400) expectError(res, 400, 'DIGEST_INVALID');
      else assert.equal(res.status, 201);
    }
    assert.deepEqual((await getBytes(app, `/v2/hs/lost/blobs/${digestOf(data)}`)).body, data);
  });

  it('a state that is not ours (another format) is treated as missing', async () => {
    const app = appAt(root, STORED);
    const data = Buffer.from('content');
    const { path, id } = await startUpload(app, 'hs/foreign');
    await request(app).patch(path).set(octet).send(data);
    await writeFile(
      join(root, 'docker/registry/v2/repositories/hs/foreign/_uploads', id, 'hashstates/sha256', String(data.length)),
      'sha\x03garbage',
    );
    assert.equal((await request(app).put(withQuery(path, { digest: digestOf(data) }))).status, 201);
  });
});

describe('upload hash states in memory (the default on disk)', () => {
  let root: string;
  before(async () => (root = await mkdtemp(join(tmpdir(), 'berth-hm-'))));
  after(() => rm(root, { recursive: true, force: true }));

  it('saves no state files; chunks continue, and a restarted registry rehashes and still checks digests', async () => {
    const app = appAt(root);
    const parts = [Buffer.from('first part '), Buffer.from('second part '), Buffer.from('third')];
    const whole = Buffer.concat(parts);
    for (const [claimed, status] of [
      [digestOf('not it'), 400],
      [digestOf(whole), 201],
    ] as const) {
      const { path, id } = await startUpload(app, 'hm/chunks');
      assert.equal((await request(app).patch(path).set(octet).send(parts[0]!)).status, 202);
      assert.equal((await request(app).patch(path).set(octet).send(parts[1]!)).status, 202);
      const dir = join(root, 'docker/registry/v2/repositories/hm/chunks/_uploads', id);
      assert.deepEqual((await readdir(dir)).sort(), ['data', 'startedat']);
      // The last chunk and the PUT go to a new app on the same root: nothing in memory there.
      const res = await request(appAt(root))
        .put(withQuery(path, { digest: claimed }))
        .set(octet)
        .send(parts[2]!);
      if (status === 400) expectError(res, 400, 'DIGEST_INVALID');
      else assert.equal(res.status, 201, res.text);
    }
    assert.deepEqual((await getBytes(app, `/v2/hm/chunks/blobs/${digestOf(whole)}`)).body, whole);
  });

  it('an upload with no bytes yet exists (GET 204, Range 0-0) and completes as the empty blob', async () => {
    const app = appAt(root);
    const { path } = await startUpload(app, 'hm/empty');
    const status = await request(app).get(path);
    assert.equal(status.status, 204);
    assert.equal(status.headers['range'], '0-0');
    const put = await request(app).put(withQuery(path, { digest: digestOf('') }));
    assert.equal(put.status, 201, put.text);
    assert.equal((await getBytes(app, `/v2/hm/empty/blobs/${digestOf('')}`)).body.length, 0);
  });
});
