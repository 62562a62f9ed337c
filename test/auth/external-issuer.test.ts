/** Berth as a resource server for another issuer: keys from a PEM bundle, a JWKS file or a JWKS URL. */
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { makeApp } from '../helpers/app.js';
import { bearer } from '../helpers/auth.js';
import { expectError } from '../helpers/http.js';

describe('external token issuers', () => {
  let dir: string;
  let rsa: { privateKey: KeyObject; publicKey: KeyObject };
  let ec: { privateKey: KeyObject; publicKey: KeyObject };
  let jwksServer: Server;
  let jwksUrl: string;
  const issuer = 'https://auth.example.com';
  const service = 'registry.example.com';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-issuer-'));
    rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFile(join(dir, 'bundle.pem'), rsa.publicKey.export({ type: 'spki', format: 'pem' }));
    const jwks = { keys: [{ ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', use: 'sig', alg: 'ES256' }] };
    await writeFile(join(dir, 'jwks.json'), JSON.stringify(jwks));
    jwksServer = createServer((_req, res) => res.setHeader('Content-Type', 'application/json').end(JSON.stringify(jwks)));
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  });
  after(async () => {
    jwksServer.close();
    await rm(dir, { recursive: true, force: true });
  });

  const token = (key: KeyObject, alg: jwt.Algorithm, over: Record<string, unknown> = {}, kid?: string): string =>
    jwt.sign({ iss: issuer, aud: service, sub: 'ci', access: [{ type: 'repository', name: 'ci/app', actions: ['pull'] }], ...over }, key, {
      algorithm: alg,
      expiresIn: 120,
      ...(kid ? { keyid: kid } : {}),
    });

  const appWith = (extra: Record<string, unknown>) =>
    makeApp('memory', { auth: { token: { realm: `${issuer}/token`, service, issuer, ...extra } } });

  it('PEM bundle (RS256, no kid): accepts its tokens, refuses other keys, issuers and audiences', async () => {
    const t = await appWith({ rootcertbundle: join(dir, 'bundle.pem'), algorithms: ['RS256'] });
    const res = await request(t.app)
      .get('/v2/ci/app/tags/list')
      .set('Authorization', bearer(token(rsa.privateKey, 'RS256')));
    expectError(res, 404, 'NAME_UNKNOWN');
    for (const bad of [
      token(ec.privateKey, 'ES256'),
      token(rsa.privateKey, 'RS256', { iss: 'https://evil.example.com' }),
      token(rsa.privateKey, 'RS256', { aud: 'other' }),
    ]) {
      expectError(await request(t.app).get('/v2/ci/app/tags/list').set('Authorization', bearer(bad)), 401, 'UNAUTHORIZED');
    }
    // The issuer's own key naming does not matter for a PEM key: the signature decides.
    const named = token(rsa.privateKey, 'RS256', {}, 'idp-key-7');
    expectError(await request(t.app).get('/v2/ci/app/tags/list').set('Authorization', bearer(named)), 404, 'NAME_UNKNOWN');
    const push = await request(t.app)
      .post('/v2/ci/app/blobs/uploads/')
      .set('Authorization', bearer(token(rsa.privateKey, 'RS256')));
    expectError(push, 401, 'DENIED');
    assert.equal(
      push.headers['www-authenticate'],
      `Bearer realm="${issuer}/token",service="${service}",scope="repository:ci/app:pull,push",error="insufficient_scope"`,
    );
    await t.cleanup();
  });

  it('allowed algorithms are enforced even with a trusted key', async () => {
    const t = await appWith({ rootcertbundle: join(dir, 'bundle.pem'), algorithms: ['ES256'] });
    const res = await request(t.app)
      .get('/v2/ci/app/tags/list')
      .set('Authorization', bearer(token(rsa.privateKey, 'RS256')));
    expectError(res, 401, 'UNAUTHORIZED');
    await t.cleanup();
  });

  it('JWKS file (ES256, kid)', async () => {
    const t = await appWith({ jwks: join(dir, 'jwks.json') });
    const ok = await request(t.app)
      .get('/v2/ci/app/tags/list')
      .set('Authorization', bearer(token(ec.privateKey, 'ES256', {}, 'ec-1')));
    expectError(ok, 404, 'NAME_UNKNOWN');
    const wrongKid = await request(t.app)
      .get('/v2/ci/app/tags/list')
      .set('Authorization', bearer(token(ec.privateKey, 'ES256', {}, 'other')));
    expectError(wrongKid, 401, 'UNAUTHORIZED');
    await t.cleanup();
  });

  it('JWKS URL, fetched when a token names a kid not yet known', async () => {
    const t = await appWith({ jwks: jwksUrl });
    const ok = await request(t.app)
      .get('/v2/ci/app/tags/list')
      .set('Authorization', bearer(token(ec.privateKey, 'ES256', {}, 'ec-1')));
    expectError(ok, 404, 'NAME_UNKNOWN');
    expectError(
      await request(t.app)
        .get('/v2/ci/app/tags/list')
        .set('Authorization', bearer(token(rsa.privateKey, 'RS256', {}, 'ec-1'))),
      401,
      'UNAUTHORIZED',
    );
    await t.cleanup();
  });

  it('token mode without any keys is a config error', async () => {
    await assert.rejects(appWith({}), /token auth needs keys/);
  });
});
