/**
 * Behind a TLS-terminating proxy: X-Forwarded-Proto/Host (or http.host) shape Location and the
 * token realm, but only when the peer is one of http.trustedproxies; from anyone else they are
 * ignored, for Location, the realm and the address written to the log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeApp } from '../helpers/app.js';
import { parseConfig } from '../../src/config/load.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { createRegistry, registryOptions } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';
import { makePki, tokenAuthConfig, type Pki } from '../helpers/auth.js';

/** The test client connects over loopback: trusting loopback makes it the proxy. */
const BEHIND_PROXY = { http: { trustedproxies: ['loopback'] } };

describe('forwarded headers and the external URL', () => {
  let pki: Pki;
  before(async () => (pki = await makePki()));
  after(() => pki.cleanup());

  it('X-Forwarded-Proto and X-Forwarded-Host give the Location the client must follow', async () => {
    const t = await makeApp('memory', BEHIND_PROXY);
    const res = await request(t.app)
      .post('/v2/team/app/blobs/uploads/')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'registry.example.com');
    assert.equal(res.status, 202);
    assert.match(res.headers['location'] ?? '', /^https:\/\/registry\.example\.com\/v2\/team\/app\/blobs\/uploads\/[^/]+$/);
    const direct = await request(t.app).post('/v2/team/app/blobs/uploads/');
    assert.match(direct.headers['location'] ?? '', /^http:\/\/127\.0\.0\.1:\d+\/v2\//, 'without a proxy: the Host header');
    await t.cleanup();
  });

  it('the first of several proxies wins, with a port', async () => {
    const t = await makeApp('memory', BEHIND_PROXY);
    const res = await request(t.app)
      .post('/v2/a/blobs/uploads/')
      .set('X-Forwarded-Proto', 'https, http')
      .set('X-Forwarded-Host', 'edge.example.com:8443, inner.local');
    assert.match(res.headers['location'] ?? '', /^https:\/\/edge\.example\.com:8443\/v2\/a\/blobs\/uploads\//);
    await t.cleanup();
  });

  it('http.host overrides what the request says', async () => {
    const t = await makeApp('memory', { http: { host: 'https://cr.example.org' } });
    const res = await request(t.app).post('/v2/a/blobs/uploads/').set('X-Forwarded-Host', 'spoofed.example.com');
    assert.match(res.headers['location'] ?? '', /^https:\/\/cr\.example\.org\/v2\/a\/blobs\/uploads\//);
    await t.cleanup();
  });

  it('the token realm follows the same external URL', async () => {
    const t = await makeApp('memory', { ...BEHIND_PROXY, auth: tokenAuthConfig(pki) });
    const res = await request(t.app).get('/v2/').set('X-Forwarded-Proto', 'https').set('X-Forwarded-Host', 'registry.example.com');
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="https://registry.example.com/token",service="berth-test"');
    await t.cleanup();
  });

  it('from a peer that is not a trusted proxy, X-Forwarded-* changes nothing', async () => {
    for (const trustedproxies of [[], ['10.0.0.0/8', '192.168.1.7']]) {
      const t = await makeApp('memory', { http: { trustedproxies }, auth: tokenAuthConfig(pki) });
      const forged = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'evil.example.com', 'X-Forwarded-For': '203.0.113.9' };
      const res = await request(t.app).post('/v2/a/blobs/uploads/').set(forged);
      assert.equal(res.status, 401);
      assert.match(res.headers['www-authenticate'] ?? '', /^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token"/, `trusting ${trustedproxies}`);
      await t.cleanup();
      const open = await makeApp('memory', { http: { trustedproxies } });
      const started = await request(open.app).post('/v2/a/blobs/uploads/').set(forged);
      assert.match(started.headers['location'] ?? '', /^http:\/\/127\.0\.0\.1:\d+\/v2\/a\/blobs\/uploads\//);
      await open.cleanup();
    }
  });

  it('the logged client address is the forwarded one only through a trusted proxy', async () => {
    const remoteOf = async (trustedproxies: string[]): Promise<string> => {
      const lines: string[] = [];
      const config = parseConfig({ storage: { inmemory: {} }, http: { trustedproxies }, log: { accesslog: { disabled: false } } });
      const app = createApp({
        config,
        registry: createRegistry(createDriver(config.storage), registryOptions(config)),
        log: createLogger('info', (l) => lines.push(l)),
      });
      await request(app).get('/v2/').set('X-Forwarded-For', '203.0.113.9');
      const entry = lines.map((l) => JSON.parse(l) as { msg: string; remote?: string }).find((l) => l.msg === 'request');
      return entry?.remote ?? '';
    };
    assert.equal(await remoteOf(['127.0.0.0/8', '::1']), '203.0.113.9');
    assert.match(await remoteOf([]), /127\.0\.0\.1|::1/);
    assert.match(await remoteOf(['10.0.0.0/8']), /127\.0\.0\.1|::1/);
  });

  it('http.trustedproxies takes addresses, CIDRs and range names, and refuses anything else', () => {
    const ok = parseConfig({ http: { trustedproxies: ['10.0.0.0/8', '::1', 'fd00::/8', 'loopback', '192.168.0.1'] } });
    assert.equal(ok.http.trustedproxies.length, 5);
    assert.deepEqual(parseConfig({}).http.trustedproxies, []);
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/8/1', '*']) {
      assert.throws(() => parseConfig({ http: { trustedproxies: [bad] } }), /http\.trustedproxies/);
    }
  });
});
