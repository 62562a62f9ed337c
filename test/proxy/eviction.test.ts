/** Cache expiry and the size cap: least recently pulled first, never what a cached tag needs. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub.js';
import { makeProxyApp, type ProxyApp } from '../helpers/proxy-app.js';
import { MT, pushBlob, pushImage, type PushedImage } from '../helpers/oci.js';

const HOUR = 3_600_000;

describe('cache eviction', () => {
  let hub: FakeHub;
  before(async () => {
    hub = await startFakeHub();
  });
  after(() => hub.close());

  const stored = (p: ProxyApp, digest: string) =>
    p.driver.stat(`/docker/registry/v2/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}/data`).then(
      () => true,
      () => false,
    );
  /** Pull an image's manifest by tag and its blobs through the proxy. */
  const pull = async (p: ProxyApp, repo: string, tag: string, img: PushedImage) => {
    assert.equal((await request(p.app).get(`/v2/${repo}/manifests/${tag}`).set('Accept', MT.ociManifest)).status, 200);
    for (const d of [img.config, ...img.layers]) assert.equal((await request(p.app).get(`/v2/${repo}/blobs/${d.digest}`)).status, 200);
  };

  it('expires content not pulled for the TTL, keeping what a live tag needs and what private repositories link', async () => {
    const p = makeProxyApp({ private: ['team'], upstreams: [{ name: 'hub', url: hub.url, library: true }], cache: { ttl: '30m' } });
    const img = await pushImage(hub.inner.app, 'library/e1', { ref: 't', seed: 'e1' });
    const loose = await pushBlob(hub.inner.app, 'library/e1', 'a loose blob no tag needs');
    await pull(p, 'library/e1', 't', img);
    assert.equal((await request(p.app).get(`/v2/library/e1/blobs/${loose}`)).status, 200);
    await pushBlob(p.app, 'team/keep', 'a loose blob no tag needs');

    assert.deepEqual(await p.evictor.sweep(Date.now() + 10 * 60_000), { tags: 0, links: 0, blobs: 0, bytesFreed: 0, cachedBytes: 0 });
    // The tag was pulled "recently"; the loose blob was not.
    p.proxy.pulled.set('library/e1:t', Date.now() + HOUR);
    const first = await p.evictor.sweep(Date.now() + HOUR);
    assert.equal(first.tags, 0);
    assert.equal(first.links, 1);
    assert.equal(first.blobs, 0, 'team/keep still links the loose blob');
    assert.ok(await stored(p, loose));
    assert.equal((await request(p.app).get(`/v2/team/keep/blobs/${loose}`)).status, 200);
    for (const d of [img.digest, img.config.digest, img.layers[0]!.digest]) assert.ok(await stored(p, d));

    const second = await p.evictor.sweep(Date.now() + 3 * HOUR);
    assert.equal(second.tags, 1);
    assert.equal(second.blobs, 3);
    for (const d of [img.digest, img.config.digest, img.layers[0]!.digest]) assert.equal(await stored(p, d), false);
    const tags = await request(p.app).get('/v2/library/e1/tags/list');
    assert.deepEqual(tags.body.tags, []);
  });

  it('sweeps an empty cache without error', async () => {
    const p = makeProxyApp({ upstreams: [{ name: 'hub', url: hub.url, library: true }] });
    assert.deepEqual(await p.evictor.sweep(), { tags: 0, links: 0, blobs: 0, bytesFreed: 0, cachedBytes: 0 });
  });

  it('over the size cap, drops unneeded content first, then the least recently pulled tag', async () => {
    const p = makeProxyApp({ upstreams: [{ name: 'hub', url: hub.url, library: true }], cache: { maxsize: 700 } });
    const old = await pushImage(hub.inner.app, 'library/cap', { ref: 'old', seed: 'cap-old' });
    const recent = await pushImage(hub.inner.app, 'library/cap', { ref: 'new', seed: 'cap-new' });
    const loose = await pushBlob(hub.inner.app, 'library/cap', Buffer.alloc(100, 1));
    await pull(p, 'library/cap', 'old', old);
    await pull(p, 'library/cap', 'new', recent);
    assert.equal((await request(p.app).get(`/v2/library/cap/blobs/${loose}`)).status, 200);
    p.proxy.pulled.set('library/cap:old', Date.now() - 60_000);

    const res = await p.evictor.sweep();
    assert.equal(res.tags, 1);
    assert.ok(res.cachedBytes <= 700 && res.cachedBytes > 0, JSON.stringify(res));
    assert.equal(await stored(p, loose), false);
    assert.equal(await stored(p, old.digest), false);
    for (const d of [recent.digest, recent.config.digest, recent.layers[0]!.digest]) assert.ok(await stored(p, d));
    assert.deepEqual((await request(p.app).get('/v2/library/cap/tags/list')).body.tags, ['new']);
  });
});
