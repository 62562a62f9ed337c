/** Small parts of the proxy: challenge parsing, Retry-After, the circuit breaker, routing, config. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { CircuitBreaker } from '../../src/proxy/breaker.js';
import { parseChallenge } from '../../src/proxy/challenge.js';
import { Router } from '../../src/proxy/routing.js';
import { retryAfterMs } from '../../src/proxy/upstream-client.js';
import { UpstreamAuth } from '../../src/proxy/upstream-auth.js';
import { UpstreamDeniedError } from '../../src/proxy/errors.js';
import { startFakeHub } from '../helpers/fake-hub.js';

describe('proxy parts', () => {
  it('parses Bearer and Basic challenges with quoted, escaped and bare values', () => {
    assert.deepEqual(
      parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'),
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' },
      },
    );
    assert.deepEqual(parseChallenge('Basic realm="a \\"b\\"", charset=UTF-8'), {
      scheme: 'basic',
      params: { realm: 'a "b"', charset: 'UTF-8' },
    });
    assert.equal(parseChallenge(null), null);
    assert.equal(parseChallenge(''), null);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6000);
    assert.equal(retryAfterMs('soon'), null);
    assert.equal(retryAfterMs(null), null);
  });

  it('caches a token per scope until shortly before it expires, and sends Basic only when configured', async () => {
    const hub = await startFakeHub();
    try {
      let now = 0;
      const up = { name: 'hub', url: hub.url, ttl: 1000, prefix: '', library: true };
      const auth = new UpstreamAuth(up, 2000, () => now);
      const res = await fetch(`${hub.url}/v2/library/x/manifests/latest`);
      await res.body?.cancel();
      const challenge = parseChallenge(res.headers.get('www-authenticate'));
      const header = await auth.answer(challenge, 'repository:library/x:pull');
      assert.match(header, /^Bearer [0-9a-f]+$/);
      assert.equal(auth.cached('repository:library/x:pull'), header);
      assert.equal(auth.cached('repository:library/y:pull'), undefined, 'tokens are per scope');
      now = 289_000; // expires_in is 300 s; renewed 10 s early
      assert.equal(auth.cached('repository:library/x:pull'), header);
      now = 291_000;
      assert.equal(auth.cached('repository:library/x:pull'), undefined);
      assert.equal(hub.seen.find((s) => s.host === 'token')!.authorization, undefined, 'anonymous without credentials');
      await assert.rejects(auth.answer(parseChallenge('Basic realm="r"'), 's'), UpstreamDeniedError);
      const withCreds = new UpstreamAuth({ ...up, username: 'u', password: 'p' }, 2000);
      assert.equal(await withCreds.answer(parseChallenge('Basic realm="r"'), 's'), `Basic ${Buffer.from('u:p').toString('base64')}`);
    } finally {
      await hub.close();
    }
  });

  it('opens the breaker at the threshold, lets one trial through after the cooldown, closes on success', () => {
    let now = 0;
    const b = new CircuitBreaker(3, 1000, () => now);
    b.failure();
    b.failure();
    assert.equal(b.state, 'closed');
    b.failure();
    assert.equal(b.state, 'open');
    assert.equal(b.allow(), false);
    now = 1000;
    assert.equal(b.state, 'half-open');
    assert.equal(b.allow(), true);
    assert.equal(b.allow(), false, 'only one trial at a time');
    b.failure();
    assert.equal(b.state, 'open');
    now = 2000;
    assert.equal(b.allow(), true);
    b.success();
    assert.equal(b.state, 'closed');
    assert.equal(b.allow(), true);
  });

  it('routes names: private first, longest prefix, then the root upstream with library/', () => {
    const config = parseConfig({
      proxy: {
        enabled: true,
        private: ['team'],
        upstreams: [
          { name: 'hub', url: 'https://registry-1.docker.io' },
          { name: 'ghcr', url: 'https://ghcr.io', prefix: 'ghcr.io' },
          { name: 'ghcr-org', url: 'https://mirror.example.com', prefix: 'ghcr.io/org' },
          { name: 'hub2', url: 'https://registry-1.docker.io', prefix: 'docker.io' },
        ],
      },
    });
    const r = new Router(config.proxy);
    assert.equal(r.route('team/app'), null);
    assert.equal(r.route('team'), null);
    assert.equal(r.route('busybox')?.remote, 'library/busybox');
    assert.equal(r.route('library/busybox')?.remote, 'library/busybox');
    assert.equal(r.route('teams/app')?.upstream.name, 'hub');
    assert.deepEqual([r.route('ghcr.io/owner/app')?.upstream.name, r.route('ghcr.io/owner/app')?.remote], ['ghcr', 'owner/app']);
    assert.equal(r.route('ghcr.io/org/app')?.upstream.name, 'ghcr-org');
    assert.equal(r.route('ghcr.io/org/app')?.remote, 'app');
    assert.equal(r.route('ghcr.io'), null);
    assert.equal(r.route('docker.io/nginx')?.remote, 'library/nginx');
    assert.equal(r.route('ghcr.io/single')?.remote, 'single');
    assert.equal(r.namespace('docker.io')?.upstream.name, 'hub');
    assert.equal(r.namespace('ghcr.io')?.prefix, 'ghcr.io');
    assert.equal(r.namespace('quay.io'), null);
  });

  it('has Docker Hub as the default upstream and checks the proxy section strictly', () => {
    const c = parseConfig({ proxy: { enabled: true } });
    assert.deepEqual(
      c.proxy.upstreams.map((u) => [u.name, u.url, u.prefix, u.library, u.ttl]),
      [['dockerhub', 'https://registry-1.docker.io', '', true, 300_000]],
    );
    assert.equal(c.proxy.cache.ttl, 168 * 3_600_000);
    assert.equal(parseConfig({ proxy: { upstreams: [{ name: 'x', url: 'http://h', ttl: 90 }] } }).proxy.upstreams[0]!.library, false);
    assert.equal(parseConfig({ proxy: { upstreams: [{ name: 'x', url: 'http://h', ttl: 90 }] } }).proxy.upstreams[0]!.ttl, 90_000);
    assert.equal(parseConfig({}, { BERTH_PROXY_ENABLED: 'true' }).proxy.enabled, true);
    assert.throws(() => parseConfig({ proxy: { upstreams: [{ name: 'x', url: 'http://h', ttl: 'soon' }] } }), /ttl: must be a duration/);
    assert.throws(
      () => parseConfig({ proxy: { bogus: 1 } }),
      (e: Error) => e instanceof ConfigError && /proxy\.bogus: unknown key/.test(e.message),
    );
    assert.throws(
      () =>
        parseConfig({
          proxy: {
            upstreams: [
              { name: 'a', url: 'http://a' },
              { name: 'b', url: 'http://b' },
            ],
          },
        }),
      /two upstreams serve the prefix ""/,
    );
    assert.throws(() => parseConfig({ proxy: { private: [''] } }), /a private prefix cannot be empty/);
  });
});
