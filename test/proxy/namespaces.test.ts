/**
 * Mirrored and private namespaces side by side: routing by prefix and by containerd's ?ns=,
 * pushes refused (DENIED) in mirrored repositories and accepted under private prefixes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub.js';
import { expectError } from '../helpers/http.js';
import { makeProxyApp, type ProxyApp } from '../helpers/proxy-app.js';
import { digestOf, MT, pushBlob, pushImage, putManifest } from '../helpers/oci.js';

describe('mirrored and private namespaces', () => {
  let hub: FakeHub;
  let ghcr: FakeHub;
  let p: ProxyApp;
  before(async () => {
    [hub, ghcr] = [await startFakeHub(), await startFakeHub()];
    p = makeProxyApp({
      private: ['team', 'internal/apps'],
      upstreams: [
        { name: 'hub', url: hub.url, library: true },
        { name: 'ghcr', url: ghcr.url, prefix: 'ghcr.io' },
      ],
    });
  });
  after(async () => {
    await hub.close();
    await ghcr.close();
  });
  const get = (path: string) => request(p.app).get(path).set('Accept', MT.ociManifest);

  it('routes a prefixed name to its upstream without the prefix', async () => {
    const img = await pushImage(ghcr.inner.app, 'owner/app', { ref: '1', seed: 'ghcr' });
    const res = await get('/v2/ghcr.io/owner/app/manifests/1');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['docker-content-digest'], img.digest);
    assert.ok(ghcr.seen.some((s) => s.path === `/v2/owner/app/manifests/${img.digest}`));
    assert.ok(!hub.seen.some((s) => s.path.includes('owner/app')));
  });

  it('maps ?ns= onto the upstream serving that registry and echoes OCI-Namespace', async () => {
    const img = await pushImage(ghcr.inner.app, 'owner/tool', { ref: '2', seed: 'ns' });
    const res = await get('/v2/owner/tool/manifests/2?ns=ghcr.io');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['oci-namespace'], 'ghcr.io');
    assert.equal(res.headers['docker-content-digest'], img.digest);
    const blob = await request(p.app).get(`/v2/owner/tool/blobs/${img.config.digest}?ns=ghcr.io`);
    assert.equal(blob.status, 200);
    // The same content is now cached under the prefixed name.
    assert.equal((await get('/v2/ghcr.io/owner/tool/manifests/2')).headers['docker-content-digest'], img.digest);
    const hubImg = await pushImage(hub.inner.app, 'library/nsb', { ref: '1', seed: 'nsb' });
    const viaHub = await get('/v2/library/nsb/manifests/1?ns=docker.io');
    assert.equal(viaHub.headers['oci-namespace'], 'docker.io');
    assert.equal(viaHub.headers['docker-content-digest'], hubImg.digest);
  });

  it('refuses pushes and deletes in mirrored repositories with DENIED and a clear message', async () => {
    const res = await request(p.app).post('/v2/library/nginx/blobs/uploads/');
    expectError(res, 403, 'DENIED');
    assert.match(
      res.body.errors[0].message,
      /library\/nginx is a read-only mirror of upstream hub; push under one of the private prefixes: team, internal\/apps/,
    );
    expectError(
      await request(p.app)
        .post(`/v2/ghcr.io/x/y/blobs/uploads/?digest=${digestOf('z')}`)
        .send('z'),
      403,
      'DENIED',
    );
    expectError(await putManifest(p.app, 'nginx', 'latest', '{}', MT.ociManifest), 403, 'DENIED');
    expectError(await request(p.app).post(`/v2/nginx/blobs/uploads/?mount=${digestOf('z')}&from=team/a`), 403, 'DENIED');
    expectError(await request(p.app).delete('/v2/nginx/manifests/latest'), 403, 'DENIED');
  });

  it('accepts pushes under private prefixes and never asks the upstream about them', async () => {
    const img = await pushImage(p.app, 'team/app', { ref: 'v1', seed: 'private' });
    await pushBlob(p.app, 'internal/apps/x', 'bytes');
    const res = await get('/v2/team/app/manifests/v1');
    assert.equal(res.headers['docker-content-digest'], img.digest);
    expectError(await get('/v2/team/app/manifests/nope'), 404, 'MANIFEST_UNKNOWN');
    assert.ok(!hub.seen.some((s) => s.path.includes('team/')));
    // "internal" alone is not private: it is mirrored like any other name.
    expectError(await request(p.app).post('/v2/internal/other/blobs/uploads/'), 403, 'DENIED');
  });

  it('shows hits, misses, bytes and errors per upstream at the stats endpoint', async () => {
    const res = await request(p.app).get('/_berth/proxy/stats');
    assert.equal(res.status, 200);
    const ghcrStats = res.body.upstreams.ghcr as Record<string, unknown>;
    assert.equal(ghcrStats['prefix'], 'ghcr.io');
    assert.equal(ghcrStats['breaker'], 'closed');
    assert.ok((ghcrStats['misses'] as number) >= 3 && (ghcrStats['upstreamBytes'] as number) > 0, JSON.stringify(ghcrStats));
    assert.ok((ghcrStats['hits'] as number) >= 1);
    assert.equal(typeof ghcrStats['errors'], 'number');
    assert.equal(res.body.upstreams.hub.rateLimit.remaining, '99;w=21600');
  });
});
