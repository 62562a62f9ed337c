/**
 * The cache when the upstream changes or misbehaves: tag TTL, stale content with Warning on
 * outages, 429 + Retry-After, the circuit breaker, credentials, the Via loop guard.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub.js';
import { expectError } from '../helpers/http.js';
import { makeProxyApp } from '../helpers/proxy-app.js';
import { MT, pushBlob, pushImage } from '../helpers/oci.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const getTag = (app: Parameters<typeof request>[0], path: string) => request(app).get(path).set('Accept', MT.ociManifest);

describe('upstream health and freshness', () => {
  let hub: FakeHub;
  before(async () => {
    hub = await startFakeHub();
  });
  after(() => hub.close());
  const upstream = (extra: Record<string, unknown> = {}) => ({ name: 'hub', url: hub.url, library: true, ...extra });

  it('a moved tag is seen after its TTL and not before; rechecks use HEAD', async () => {
    const p = makeProxyApp({ upstreams: [upstream({ ttl: '1s' })] });
    const a = await pushImage(hub.inner.app, 'library/mv', { ref: 't', seed: 'a' });
    assert.equal((await getTag(p.app, '/v2/mv/manifests/t')).headers['docker-content-digest'], a.digest);
    const b = await pushImage(hub.inner.app, 'library/mv', { ref: 't', seed: 'b' });
    assert.equal((await getTag(p.app, '/v2/mv/manifests/t')).headers['docker-content-digest'], a.digest);
    await sleep(1100);
    assert.equal((await getTag(p.app, '/v2/mv/manifests/t')).headers['docker-content-digest'], b.digest);
    const byTag = hub.seen.filter((s) => s.host === 'registry' && s.path === '/v2/library/mv/manifests/t' && s.status === 200);
    assert.ok(byTag.length >= 2 && byTag.every((s) => s.method === 'HEAD'), JSON.stringify(byTag));
  });

  it('serves cached tags and blobs with a Warning when the upstream is down; uncached content is 503', async () => {
    const p = makeProxyApp({ upstreams: [upstream({ ttl: '0s' })] });
    const img = await pushImage(hub.inner.app, 'library/down', { ref: 'v', seed: 'down' });
    assert.equal((await getTag(p.app, '/v2/down/manifests/v')).status, 200);
    assert.equal((await request(p.app).get(`/v2/down/blobs/${img.config.digest}`)).status, 200);
    hub.mode.down = true;
    try {
      const res = await getTag(p.app, '/v2/down/manifests/v');
      assert.equal(res.status, 200);
      assert.equal(res.headers['docker-content-digest'], img.digest);
      assert.match(res.headers['warning'] ?? '', /^110 - "Response is Stale/);
      expectError(await request(p.app).get(`/v2/down/blobs/${img.layers[0]!.digest}`), 503, 'UNAVAILABLE');
      expectError(await getTag(p.app, '/v2/down/manifests/other'), 503, 'UNAVAILABLE');
      assert.equal(p.proxy.stats.of('hub').stale, 1);
    } finally {
      hub.mode.down = false;
    }
  });

  it('serves a cached tag stale when the upstream is slow or rate-limiting', async () => {
    const p = makeProxyApp({ upstreams: [upstream({ ttl: '0s' })], upstream: { timeout: '300ms' } });
    const img = await pushImage(hub.inner.app, 'library/slow', { ref: 'v', seed: 'slow' });
    assert.equal((await getTag(p.app, '/v2/slow/manifests/v')).status, 200);
    hub.mode.delayMs = 1000;
    try {
      const started = Date.now();
      const slow = await getTag(p.app, '/v2/slow/manifests/v');
      assert.equal(slow.headers['docker-content-digest'], img.digest);
      assert.match(slow.headers['warning'] ?? '', /^110 /);
      assert.ok(Date.now() - started < 900, 'waited for the slow upstream');
    } finally {
      hub.mode.delayMs = 0;
    }
    hub.mode.rateLimited = 1;
    const limited = await getTag(p.app, '/v2/slow/manifests/v');
    assert.equal(limited.headers['docker-content-digest'], img.digest);
    assert.match(limited.headers['warning'] ?? '', /^110 /);
    assert.equal(p.proxy.stats.of('hub').stale, 2);
  });

  it('honours 429 + Retry-After when retries are allowed, and reports TOOMANYREQUESTS when not', async () => {
    const img = await pushImage(hub.inner.app, 'library/busy', { ref: 'v', seed: 'busy' });
    const patient = makeProxyApp({ upstreams: [upstream()], upstream: { retries: 1 } });
    hub.mode.rateLimited = 1;
    const started = Date.now();
    const ok = await getTag(patient.app, '/v2/busy/manifests/v');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['docker-content-digest'], img.digest);
    assert.ok(Date.now() - started >= 800, 'Retry-After: 1 was not waited for');
    const impatient = makeProxyApp({ upstreams: [upstream()] });
    hub.mode.rateLimited = 1;
    const limited = await getTag(impatient.app, '/v2/busy/manifests/v');
    expectError(limited, 429, 'TOOMANYREQUESTS');
    assert.equal(limited.headers['retry-after'], '1');
    hub.mode.rateLimited = 0;
  });

  it('retries a failing upstream with backoff', async () => {
    const img = await pushImage(hub.inner.app, 'library/flaky', { ref: 'v', seed: 'flaky' });
    const p = makeProxyApp({ upstreams: [upstream()], upstream: { retries: 2 } });
    hub.mode.failures = 2;
    const res = await getTag(p.app, '/v2/flaky/manifests/v');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['docker-content-digest'], img.digest);
    assert.equal(hub.mode.failures, 0);
  });

  it('never stores a blob whose bytes do not match its digest', async () => {
    const data = Buffer.from('the genuine layer bytes');
    const digest = await pushBlob(hub.inner.app, 'library/bad', data);
    const p = makeProxyApp({ upstreams: [upstream()] });
    hub.mode.corrupt = Buffer.alloc(data.length, 0x2a);
    try {
      const server = createServer(p.app).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/bad/blobs/${digest}`;
        // The client gets a cut-off body, never the complete wrong bytes.
        await assert.rejects(async () => (await fetch(url)).arrayBuffer());
      } finally {
        server.close();
      }
      await sleep(100);
      const path = `/docker/registry/v2/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}/data`;
      assert.equal(
        await p.driver.stat(path).then(
          () => true,
          () => false,
        ),
        false,
      );
    } finally {
      hub.mode.corrupt = undefined;
    }
    const good = await request(p.app).get(`/v2/bad/blobs/${digest}`).buffer(true);
    assert.equal(Buffer.from(good.body as Buffer).toString(), data.toString());
  });

  it('opens the circuit breaker after repeated failures and stops calling the upstream', async () => {
    const p = makeProxyApp({ upstreams: [upstream()], upstream: { breakerthreshold: 2, breakercooldown: '1h' } });
    hub.mode.down = true;
    try {
      for (let i = 0; i < 2; i++) expectError(await getTag(p.app, '/v2/cb/manifests/v'), 503, 'UNAVAILABLE');
      const n = hub.seen.length;
      const res = await getTag(p.app, '/v2/cb/manifests/v');
      expectError(res, 503, 'UNAVAILABLE');
      assert.match(res.text, /circuit breaker open/);
      assert.equal(hub.seen.length, n);
      const stats = (await request(p.app).get('/_berth/proxy/stats')).body as {
        upstreams: Record<string, { breaker: string; errors: number }>;
      };
      assert.equal(stats.upstreams['hub']!.breaker, 'open');
      assert.equal(stats.upstreams['hub']!.errors, 2);
    } finally {
      hub.mode.down = false;
    }
  });

  it('sends the configured credentials to the token realm; wrong ones are DENIED', async () => {
    const img = await pushImage(hub.inner.app, 'library/creds', { ref: 'v', seed: 'creds' });
    hub.mode.requireCreds = { user: 'bob', pass: 's3cret' };
    try {
      const good = makeProxyApp({ upstreams: [upstream({ username: 'bob', password: 's3cret' })] });
      const res = await getTag(good.app, '/v2/creds/manifests/v');
      assert.equal(res.headers['docker-content-digest'], img.digest);
      const bad = makeProxyApp({ upstreams: [upstream({ username: 'bob', password: 'nope' })] });
      expectError(await getTag(bad.app, '/v2/creds/manifests/v'), 502, 'DENIED');
    } finally {
      hub.mode.requireCreds = undefined;
    }
  });

  it('refuses a request that already passed through this instance (Via loop guard)', async () => {
    const p = makeProxyApp({ upstreams: [upstream()] });
    const res = await getTag(p.app, '/v2/loop/manifests/v').set('Via', `1.1 other, 1.1 ${p.proxy.viaToken}`);
    expectError(res, 508, 'UNSUPPORTED');
    assert.ok(!hub.seen.some((s) => s.path.includes('/loop/')));
  });
});
