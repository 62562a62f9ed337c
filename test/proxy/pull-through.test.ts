/**
 * The pull-through cache against an in-process Docker Hub look-alike (test/helpers/fake-hub.ts):
 * token challenge, library/, CDN redirects without credentials, hits, single flight, client
 * disconnects, indexes and their children.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub.js';
import { makeProxyApp, type ProxyApp } from '../helpers/proxy-app.js';
import { getBytes, indexOf, MT, pushBlob, pushImage, pushManifest } from '../helpers/oci.js';

const ALL = [MT.ociIndex, MT.ociManifest].join(', ');

describe('pull-through cache', () => {
  let hub: FakeHub;
  let p: ProxyApp;
  /** GETs the upstream answered (not the 401s that asked for a token). */
  const registryGets = (path: string) =>
    hub.seen.filter((s) => s.host === 'registry' && s.method === 'GET' && s.path === path && s.status !== 401).length;

  before(async () => {
    hub = await startFakeHub();
    p = makeProxyApp({ upstreams: [{ name: 'hub', url: hub.url, library: true, ttl: '1h' }] });
  });
  after(() => hub.close());

  it('answers the Bearer challenge, adds library/, and serves the tag from the upstream', async () => {
    const img = await pushImage(hub.inner.app, 'library/alpine', { ref: '3', seed: 'alpine' });
    const res = await request(p.app).get('/v2/alpine/manifests/3').set('Accept', ALL);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['docker-content-digest'], img.digest);
    assert.equal(res.headers['ratelimit-remaining'], '99;w=21600');
    assert.equal(hub.tokensIssued, 1);
    const token = hub.seen.find((s) => s.host === 'token')!;
    assert.match(token.path, /service=registry\.docker\.io&scope=repository%3Alibrary%2Falpine%3Apull/);
    assert.ok(hub.seen.some((s) => s.host === 'registry' && s.method === 'HEAD' && s.path === '/v2/library/alpine/manifests/3'));
    assert.equal(registryGets('/v2/library/alpine/manifests/3'), 0, 'a tag is resolved with HEAD, then fetched by digest');
    assert.equal(registryGets(`/v2/library/alpine/manifests/${img.digest}`), 1);
    // Within the TTL the cached tag answers without asking the upstream.
    const before = hub.seen.length;
    const again = await request(p.app).get('/v2/alpine/manifests/3').set('Accept', ALL);
    assert.equal(again.headers['docker-content-digest'], img.digest);
    assert.equal(hub.seen.length, before);
  });

  it('concurrent requests for an uncached tag share one HEAD and one GET upstream', async () => {
    const img = await pushImage(hub.inner.app, 'library/crowd', { ref: 'v', seed: 'crowd' });
    const all = await Promise.all(Array.from({ length: 10 }, () => request(p.app).get('/v2/crowd/manifests/v').set('Accept', ALL)));
    for (const res of all) assert.equal(res.headers['docker-content-digest'], img.digest);
    const heads = hub.seen.filter((s) => s.method === 'HEAD' && s.path === '/v2/library/crowd/manifests/v' && s.status === 200);
    assert.equal(heads.length, 1);
    assert.equal(registryGets(`/v2/library/crowd/manifests/${img.digest}`), 1);
  });

  it('follows the blob redirect to the CDN without Authorization and never forwards client credentials', async () => {
    const img = await pushImage(hub.inner.app, 'library/redir', { ref: 'x', seed: 'redir' });
    const layer = img.layers[0]!.digest;
    const res = await getBytes(p.app, `/v2/library/redir/blobs/${layer}`, { authorization: 'Bearer client-secret' });
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'layer bytes for redir');
    const cdn = hub.seen.filter((s) => s.host === 'cdn');
    assert.equal(cdn.length, 1);
    assert.equal(cdn[0]!.authorization, undefined);
    assert.match(
      [...hub.seen].reverse().find((s) => s.host === 'registry' && s.path.endsWith(layer))!.authorization ?? '',
      /^Bearer [0-9a-f]+$/,
    );
    assert.ok(!hub.seen.some((s) => s.authorization?.includes('client-secret')));
    assert.ok(hub.seen.every((s) => s.host === 'token' || /^1\.1 berth-[0-9a-f]+$/.test(s.via ?? '')));
    // Cached: the second GET and a HEAD do not reach the upstream.
    const n = hub.seen.length;
    assert.equal((await getBytes(p.app, `/v2/library/redir/blobs/${layer}`)).body.toString(), 'layer bytes for redir');
    assert.equal((await request(p.app).head(`/v2/library/redir/blobs/${layer}`)).headers['content-length'], '21');
    assert.equal(hub.seen.length, n);
  });

  it('20 concurrent GETs of an uncached blob make one upstream GET and all get the bytes', async () => {
    const data = Buffer.alloc(3 << 20, 7);
    const digest = await pushBlob(hub.inner.app, 'library/big', data);
    const server = createServer(p.app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/library/big/blobs/${digest}`;
    try {
      const bodies = await Promise.all(Array.from({ length: 20 }, async () => Buffer.from(await (await fetch(url)).arrayBuffer())));
      for (const b of bodies) assert.ok(b.equals(data));
    } finally {
      server.close();
    }
    assert.equal(registryGets(`/v2/library/big/blobs/${digest}`), 1);
    assert.equal(p.proxy.stats.of('hub').upstreamBytes >= data.length, true);
  });

  it('keeps caching a blob when the client that started the download goes away', async () => {
    const data = Buffer.alloc(8 << 20, 3);
    const digest = await pushBlob(hub.inner.app, 'library/quit', data);
    const server = createServer(p.app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    try {
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: `/v2/library/quit/blobs/${digest}` }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => undefined).end();
        setTimeout(() => reject(new Error('no data')), 5000);
      });
      let stored = false;
      for (let i = 0; i < 100 && !stored; i++) {
        await new Promise((r) => setTimeout(r, 50));
        stored = await p.driver.stat(`/docker/registry/v2/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}/data`).then(
          () => true,
          () => false,
        );
      }
      assert.ok(stored, 'the blob was not cached after the client left');
      const n = hub.seen.length;
      const again = await getBytes(p.app, `/v2/library/quit/blobs/${digest}`);
      assert.ok(again.body.equals(data));
      assert.equal(hub.seen.length, n);
    } finally {
      server.close();
    }
  });

  it('caches an index asked for by HEAD, and its children by digest', async () => {
    const amd = await pushImage(hub.inner.app, 'library/multi', { seed: 'amd', platform: { os: 'linux', architecture: 'amd64' } });
    const arm = await pushImage(hub.inner.app, 'library/multi', { seed: 'arm', platform: { os: 'linux', architecture: 'arm64' } });
    const index = JSON.stringify(indexOf(MT.ociIndex, [amd.descriptor, arm.descriptor]));
    const idx = await pushManifest(hub.inner.app, 'library/multi', 'latest', index, MT.ociIndex);
    const head = await request(p.app).head('/v2/multi/manifests/latest').set('Accept', ALL);
    assert.equal(head.status, 200);
    assert.equal(head.headers['docker-content-digest'], idx);
    const child = await request(p.app).get(`/v2/multi/manifests/${amd.digest}`).set('Accept', ALL);
    assert.equal(child.status, 200);
    hub.mode.down = true;
    try {
      const got = await request(p.app).get(`/v2/multi/manifests/${idx}`).set('Accept', ALL);
      assert.equal(got.status, 200);
      assert.equal(got.text, index);
      assert.equal((await request(p.app).get(`/v2/multi/manifests/${amd.digest}`).set('Accept', ALL)).status, 200);
      // Not asked for before, so not cached: the outage shows.
      const missing = await request(p.app).get(`/v2/multi/manifests/${arm.digest}`).set('Accept', ALL);
      assert.equal(missing.status, 503);
      assert.equal(missing.body.errors[0].code, 'UNAVAILABLE');
    } finally {
      hub.mode.down = false;
    }
  });
});
