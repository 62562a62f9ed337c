/** Behind a TLS-terminating proxy: X-Forwarded-Proto/Host (or http.host) shape Location and the token realm. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { makePki, tokenAuthConfig, type Pki } from '../helpers/auth.js';

describe('forwarded headers and the external URL', () => {
  let pki: Pki;
  before(async () => (pki = await makePki()));
  after(() => pki.cleanup());

  it('X-Forwarded-Proto and X-Forwarded-Host give the Location the client must follow', async () => {
    const t = await makeApp('memory');
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
    const t = await makeApp('memory');
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
    const t = await makeApp('memory', { auth: tokenAuthConfig(pki) });
    const res = await request(t.app).get('/v2/').set('X-Forwarded-Proto', 'https').set('X-Forwarded-Host', 'registry.example.com');
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="https://registry.example.com/token",service="berth-test"');
    await t.cleanup();
  });
});
