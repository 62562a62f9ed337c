/** The registry announces what it committed, with who did it, and only after it committed. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { RegistryEvent } from '../../src/events/events.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { getBytes, pushImage } from '../helpers/oci.js';

describe('registry events', () => {
  let t: TestApp;
  const seen: RegistryEvent[] = [];
  before(async () => {
    t = await makeApp('memory');
    t.registry.events.onAny((e) => seen.push(e));
  });
  after(() => t.cleanup());

  it('announces blob and manifest pushes, pulls and deletes with the request id', async () => {
    const image = await pushImage(t.app, 'team/app', { ref: 'v1' });
    const blobs = seen.filter((e) => e.type === 'blob.pushed');
    assert.deepEqual(blobs.map((e) => e.data.digest).sort(), [image.config.digest, ...image.layers.map((l) => l.digest)].sort());
    const pushed = seen.find((e) => e.type === 'manifest.pushed');
    assert.ok(pushed && pushed.type === 'manifest.pushed');
    assert.equal(pushed.data.digest, image.digest);
    assert.deepEqual(pushed.data.tags, ['v1']);
    assert.equal(pushed.data.repository, 'team/app');
    assert.match(pushed.origin.requestId ?? '', /./);

    seen.length = 0;
    await request(t.app).head('/v2/team/app/manifests/v1').expect(200);
    assert.equal(seen.length, 0, 'a HEAD is not a pull');
    await getBytes(t.app, '/v2/team/app/manifests/v1', { accept: image.mediaType }).then((r) => assert.equal(r.status, 200));
    assert.deepEqual(
      seen.map((e) => [e.type, 'digest' in e.data ? e.data.digest : undefined]),
      [['manifest.pulled', image.digest]],
    );

    seen.length = 0;
    await request(t.app).delete('/v2/team/app/manifests/v1').expect(202);
    await request(t.app).delete(`/v2/team/app/manifests/${image.digest}`).expect(202);
    assert.deepEqual(
      seen.map((e) => e.type),
      ['tag.deleted', 'manifest.deleted'],
    );
  });

  it('announces nothing for a refused write', async () => {
    seen.length = 0;
    const res = await request(t.app)
      .put('/v2/team/app/manifests/bad')
      .set('Content-Type', 'application/vnd.oci.image.manifest.v1+json')
      .send('{"schemaVersion":2,"config":{"digest":"sha256:' + '0'.repeat(64) + '","size":1,"mediaType":"x/y"},"layers":[]}');
    assert.equal(res.status, 400);
    assert.equal(seen.length, 0);
  });
});
