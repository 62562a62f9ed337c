/**
 * Read-only mode: from config at start and switched at run time; every client write is refused
 * with 403 DENIED and a message that says why (docker prints it as it is), reads go on, and a
 * write guard sees what is being written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { WriteRefusedError, type WriteIntent } from '../../src/registry/guards.js';
import { expectError } from '../helpers/http.js';
import { digestOf, pushBlob, pushImage, startUpload, withQuery } from '../helpers/oci.js';
import { makeOpsApp, type OpsApp } from '../helpers/ops-app.js';

const READ_ONLY = /^registry is in read-only mode for maintenance: .* refused \(pulls still work\)$/;

describe('read-only mode switched at run time', () => {
  let t: OpsApp;
  before(async () => (t = await makeOpsApp()));
  after(() => t.cleanup());

  it('refuses every kind of write while on, serves reads, and accepts writes again when off', async () => {
    const image = await pushImage(t.app, 'team/app', { ref: 'v1' });
    const open = await startUpload(t.app, 'team/app');
    t.ops.readOnly.set(true, 'test');
    const refused = [
      await request(t.app).post('/v2/team/app/blobs/uploads/'),
      await request(t.app)
        .post(`/v2/team/app/blobs/uploads/?digest=${digestOf('x')}`)
        .send('x'),
      await request(t.app).patch(open.path).set('Content-Type', 'application/octet-stream').send(Buffer.alloc(1024, 1)),
      await request(t.app).put(withQuery(open.path, { digest: digestOf('') })),
      await request(t.app).delete(open.path),
      await request(t.app).post(`/v2/other/app/blobs/uploads/?mount=${image.layers[0]!.digest}&from=team/app`),
      await request(t.app).put('/v2/team/app/manifests/v2').set('Content-Type', image.mediaType).send(image.body),
      await request(t.app).delete('/v2/team/app/manifests/v1'),
      await request(t.app).delete(`/v2/team/app/manifests/${image.digest}`),
      await request(t.app).delete(`/v2/team/app/blobs/${image.layers[0]!.digest}`),
    ];
    for (const res of refused) {
      expectError(res, 403, 'DENIED');
      assert.match(res.body.errors[0].message, READ_ONLY);
    }
    // Reads go on.
    await request(t.app).get('/v2/team/app/manifests/v1').set('Accept', image.mediaType).expect(200);
    await request(t.app).get(`/v2/team/app/blobs/${image.layers[0]!.digest}`).expect(200);
    await request(t.app).get('/v2/team/app/tags/list').expect(200);
    await request(t.app).get(open.path).expect(204);
    assert.equal(t.ops.readOnly.snapshot().by, 'test');
    assert.ok(t.logs.some((l) => l['msg'] === 'read-only mode on: writes are refused' && l['level'] === 'warn'));

    t.ops.readOnly.set(false, 'test');
    await pushBlob(t.app, 'team/app', 'after read-only');
    await request(t.app).delete('/v2/team/app/manifests/v1').expect(202);
  });
});

describe('read-only mode from the configuration', () => {
  let t: OpsApp;
  before(async () => (t = await makeOpsApp({ storage: { maintenance: { readonly: { enabled: true } } } })));
  after(() => t.cleanup());

  it('starts refusing writes, and a guard added beside it sees each intent', async () => {
    expectError(await request(t.app).post('/v2/a/blobs/uploads/'), 403, 'DENIED');
    t.ops.readOnly.set(false, 'test');
    const seen: WriteIntent[] = [];
    const remove = t.registry.guards.add('quota', (intent) => {
      seen.push(intent);
      if (intent.repository === 'full/repo') throw new WriteRefusedError('quota exceeded for full/repo');
    });
    await pushBlob(t.app, 'ok/repo', 'bytes');
    const res = await request(t.app).post('/v2/full/repo/blobs/uploads/');
    expectError(res, 403, 'DENIED');
    assert.equal(res.body.errors[0].message, 'quota exceeded for full/repo');
    assert.deepEqual(
      seen.map((i) => [i.action, i.repository]),
      [
        ['upload', 'ok/repo'],
        ['blob.push', 'ok/repo'],
        ['upload', 'full/repo'],
      ],
    );
    assert.equal(seen[1]?.digest, digestOf('bytes'));
    remove();
    await request(t.app).post('/v2/full/repo/blobs/uploads/').expect(202);
  });
});
