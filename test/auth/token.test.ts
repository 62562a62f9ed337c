/** Token auth on the real app: challenges on every route, the built-in token server, grants, pushes. */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { makeApp } from '../helpers/app.js';
import { basic, bearer, claimsOf, fetchToken, PASSWORDS, tokenAppFixture, tokenAuthConfig } from '../helpers/auth.js';
import { expectError } from '../helpers/http.js';
import { digestOf, unknownDigest } from '../helpers/oci.js';

describe('token auth: challenges', () => {
  const f = tokenAppFixture();

  const d = unknownDigest();
  const cases: Array<[string, string, string]> = [
    ['GET', '/v2/dev/app/tags/list', 'repository:dev/app:pull'],
    ['GET', '/v2/dev/app/manifests/1', 'repository:dev/app:pull'],
    ['HEAD', '/v2/dev/app/manifests/1', 'repository:dev/app:pull'],
    ['PUT', '/v2/dev/app/manifests/1', 'repository:dev/app:pull,push'],
    ['DELETE', `/v2/dev/app/manifests/${d}`, 'repository:dev/app:delete'],
    ['GET', `/v2/dev/app/blobs/${d}`, 'repository:dev/app:pull'],
    ['DELETE', `/v2/dev/app/blobs/${d}`, 'repository:dev/app:delete'],
    ['POST', '/v2/dev/app/blobs/uploads/', 'repository:dev/app:pull,push'],
    ['PATCH', '/v2/dev/app/blobs/uploads/some-id', 'repository:dev/app:pull,push'],
    ['PUT', `/v2/dev/app/blobs/uploads/some-id?digest=${d}`, 'repository:dev/app:pull,push'],
    ['GET', '/v2/dev/app/blobs/uploads/some-id', 'repository:dev/app:pull'],
    ['DELETE', '/v2/dev/app/blobs/uploads/some-id', 'repository:dev/app:delete'],
    ['GET', `/v2/dev/app/referrers/${d}`, 'repository:dev/app:pull'],
    ['GET', '/v2/_catalog', 'registry:catalog:*'],
    ['POST', `/v2/dev/app/blobs/uploads/?mount=${d}&from=other/repo`, 'repository:dev/app:pull,push repository:other/repo:pull'],
  ];
  for (const [method, path, scope] of cases) {
    it(`${method} ${path.replace(d, '<digest>')} → 401 Bearer challenge for ${scope}`, async () => {
      const res = await request(f.t.app)[method.toLowerCase() as 'get'](path);
      expectError(res, 401, 'UNAUTHORIZED', { head: method === 'HEAD' });
      const challenge = res.headers['www-authenticate'] ?? '';
      assert.match(challenge, /^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token",service="berth-test",scope="/);
      assert.ok(challenge.endsWith(`,scope="${scope}"`), challenge);
      if (method !== 'HEAD') {
        const needed = res.body.errors[0].detail as Array<{ Type: string; Name: string; Action: string }>;
        assert.deepEqual(
          needed.map((n) => `${n.Type}:${n.Name}:${n.Action}`).sort(),
          scope
            .split(' ')
            .flatMap((s) => {
              const [type, rest] = [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)];
              const name = rest.slice(0, rest.lastIndexOf(':'));
              return rest
                .slice(rest.lastIndexOf(':') + 1)
                .split(',')
                .map((a) => `${type}:${name}:${a}`);
            })
            .sort(),
        );
      }
    });
  }

  it('GET /v2/ needs a login but no scope; any valid token passes', async () => {
    const res = await request(f.t.app).get('/v2/');
    expectError(res, 401, 'UNAUTHORIZED');
    assert.match(res.headers['www-authenticate'] ?? '', /^Bearer realm="[^"]+\/token",service="berth-test"$/);
    const { token } = await fetchToken(f.t.app, []);
    assert.equal((await request(f.t.app).get('/v2/').set('Authorization', bearer(token))).status, 200);
  });

  it('a Basic header is not a token: still the Bearer challenge', async () => {
    const res = await request(f.t.app).get('/v2/dev/app/tags/list').set('Authorization', basic('alice', PASSWORDS.alice));
    expectError(res, 401, 'UNAUTHORIZED');
    assert.match(res.headers['www-authenticate'] ?? '', /^Bearer /);
  });

  it('a configured realm is used as it is', async () => {
    const cfg = tokenAuthConfig(f.pki);
    (cfg['token'] as Record<string, unknown>)['realm'] = 'https://auth.example.com/token';
    const t2 = await makeApp('memory', { auth: cfg });
    const res = await request(t2.app).get('/v2/');
    assert.match(res.headers['www-authenticate'] ?? '', /^Bearer realm="https:\/\/auth\.example\.com\/token"/);
    await t2.cleanup();
  });
});

describe('built-in token server', () => {
  const f = tokenAppFixture();

  it('issues a signed JWT with every claim, kid, and expires_in >= 60', async () => {
    const body = await fetchToken(f.t.app, ['repository:dev/app:pull,push'], 'alice');
    assert.equal(body.token, body.access_token);
    assert.ok(body.expires_in >= 60);
    const [headerB64] = body.token.split('.');
    const header = JSON.parse(Buffer.from(headerB64!, 'base64url').toString('utf8'));
    assert.equal(header.alg, 'ES256');
    assert.match(header.kid, /^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/, 'libtrust key id');
    const c = claimsOf(body.token);
    for (const claim of ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'access']) assert.ok(claim in c, `claim ${claim}`);
    assert.equal(c['iss'], 'berth-test-issuer');
    assert.equal(c['aud'], 'berth-test');
    assert.equal(c['sub'], 'alice');
    assert.deepEqual(c['access'], [{ type: 'repository', name: 'dev/app', actions: ['pull', 'push'] }]);
  });

  it('publishes the signing key as JWKS, and the token verifies with it', async () => {
    const res = await request(f.t.app).get('/token/jwks.json');
    assert.equal(res.status, 200);
    const [jwk] = res.body.keys;
    const { token } = await fetchToken(f.t.app, [], 'alice');
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
    assert.equal(jwk.kid, header.kid);
    const claims = jwt.verify(token, createPublicKey({ key: jwk, format: 'jwk' }), { algorithms: ['ES256'] }) as jwt.JwtPayload;
    assert.equal(claims.sub, 'alice');
  });

  it('grants the intersection: partial and empty grants are answers, not errors', async () => {
    const bob = await fetchToken(f.t.app, ['repository:dev/app:pull,push', 'repository:other/x:pull'], 'bob');
    assert.deepEqual(claimsOf(bob.token)['access'], [{ type: 'repository', name: 'dev/app', actions: ['pull'] }]);
    const anon = await fetchToken(f.t.app, ['repository:public/app:pull,push', 'repository:dev/app:pull']);
    assert.deepEqual(claimsOf(anon.token)['access'], [{ type: 'repository', name: 'public/app', actions: ['pull'] }]);
    assert.equal(claimsOf(anon.token)['sub'], '');
    const none = await fetchToken(f.t.app, ['repository:secret/x:pull'], 'alice');
    assert.deepEqual(claimsOf(none.token)['access'], []);
    const admin = await fetchToken(f.t.app, ['registry:catalog:*', 'repository:localhost:5000/x:delete'], 'admin');
    assert.deepEqual(claimsOf(admin.token)['access'], [
      { type: 'registry', name: 'catalog', actions: ['*'] },
      { type: 'repository', name: 'localhost:5000/x', actions: ['delete'] },
    ]);
  });

  it('a wrong password or unknown user is 401 with a Basic challenge; a wrong service is 400', async () => {
    for (const auth of [basic('alice', 'wrong'), basic('nobody', 'x')]) {
      const res = await request(f.t.app).get('/token?service=berth-test&scope=repository:dev/app:pull').set('Authorization', auth);
      expectError(res, 401, 'UNAUTHORIZED');
      assert.match(res.headers['www-authenticate'] ?? '', /^Basic realm=/);
      assert.equal(res.body.token, undefined);
    }
    expectError(await request(f.t.app).get('/token?service=elsewhere'), 400, 'INVALID_REQUEST');
    expectError(await request(f.t.app).get('/token?scope=bad'), 400, 'INVALID_REQUEST');
  });

  it('POST /token: password grant with a refresh token, then the refresh_token grant', async () => {
    const res = await request(f.t.app).post('/token').type('form').send({
      grant_type: 'password',
      username: 'alice',
      password: PASSWORDS.alice,
      service: 'berth-test',
      scope: 'repository:dev/app:pull repository:dev/other:push',
      access_type: 'offline',
      client_id: 'test',
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.deepEqual(claimsOf(res.body.access_token)['access'], [
      { type: 'repository', name: 'dev/app', actions: ['pull'] },
      { type: 'repository', name: 'dev/other', actions: ['push'] },
    ]);
    assert.ok(res.body.refresh_token);
    const refreshed = await request(f.t.app).post('/token').type('form').send({
      grant_type: 'refresh_token',
      refresh_token: res.body.refresh_token,
      service: 'berth-test',
      scope: 'repository:dev/app:push',
    });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal(claimsOf(refreshed.body.access_token)['sub'], 'alice');
    assert.deepEqual(claimsOf(refreshed.body.access_token)['access'], [{ type: 'repository', name: 'dev/app', actions: ['push'] }]);
  });

  it('POST /token refuses bad grants, and a refresh token is not an access token', async () => {
    expectError(await request(f.t.app).post('/token').type('form').send({ grant_type: 'client_credentials' }), 400, 'INVALID_REQUEST');
    expectError(
      await request(f.t.app).post('/token').type('form').send({ grant_type: 'password', username: 'alice' }),
      400,
      'INVALID_REQUEST',
    );
    const bad = await request(f.t.app).post('/token').type('form').send({ grant_type: 'refresh_token', refresh_token: 'x.y.z' });
    expectError(bad, 401, 'UNAUTHORIZED');
    const { refresh_token } = (
      await request(f.t.app).get('/token?service=berth-test&offline_token=true').set('Authorization', basic('admin', PASSWORDS.admin))
    ).body as { refresh_token: string };
    const res = await request(f.t.app).get('/v2/').set('Authorization', bearer(refresh_token));
    expectError(res, 401, 'UNAUTHORIZED');
    assert.match(res.headers['www-authenticate'] ?? '', /error="invalid_token"/);
    // An access token cannot be used as a refresh token either.
    const { token } = await fetchToken(f.t.app, [], 'admin');
    const swap = await request(f.t.app).post('/token').type('form').send({ grant_type: 'refresh_token', refresh_token: token });
    expectError(swap, 401, 'UNAUTHORIZED');
  });

  it('push with a push token works; with a pull-only token it is 401 insufficient_scope and nothing is stored', async () => {
    const data = Buffer.from('layer for the token test');
    const digest = digestOf(data);
    const pullOnly = await fetchToken(f.t.app, ['repository:dev/app:pull,push'], 'bob');
    const denied = await request(f.t.app)
      .post(`/v2/dev/app/blobs/uploads/?digest=${digest}`)
      .set('Authorization', bearer(pullOnly.token))
      .set('Content-Type', 'application/octet-stream')
      .send(data);
    expectError(denied, 401, 'DENIED');
    assert.match(denied.headers['www-authenticate'] ?? '', /scope="repository:dev\/app:pull,push",error="insufficient_scope"$/);
    const head = await request(f.t.app).head(`/v2/dev/app/blobs/${digest}`).set('Authorization', bearer(pullOnly.token));
    assert.equal(head.status, 404, 'the refused blob is not there');

    const push = await fetchToken(f.t.app, ['repository:dev/app:pull,push'], 'alice');
    const ok = await request(f.t.app)
      .post(`/v2/dev/app/blobs/uploads/?digest=${digest}`)
      .set('Authorization', bearer(push.token))
      .set('Content-Type', 'application/octet-stream')
      .send(data);
    assert.equal(ok.status, 201, ok.text);
    const got = await request(f.t.app).head(`/v2/dev/app/blobs/${digest}`).set('Authorization', bearer(pullOnly.token));
    assert.equal(got.status, 200);
  });

  it('a mount needs pull on from: without it the mount is refused', async () => {
    const d = unknownDigest('mount');
    const onlyDst = await fetchToken(f.t.app, ['repository:dev/dst:pull,push', 'repository:secret/src:pull'], 'alice');
    const res = await request(f.t.app)
      .post(`/v2/dev/dst/blobs/uploads/?mount=${d}&from=secret/src`)
      .set('Authorization', bearer(onlyDst.token));
    expectError(res, 401, 'DENIED');
    assert.match(res.headers['www-authenticate'] ?? '', /scope="repository:dev\/dst:pull,push repository:secret\/src:pull"/);
    const both = await fetchToken(f.t.app, ['repository:dev/dst:pull,push', 'repository:dev/src:pull'], 'alice');
    const ok = await request(f.t.app).post(`/v2/dev/dst/blobs/uploads/?mount=${d}&from=dev/src`).set('Authorization', bearer(both.token));
    assert.equal(ok.status, 202, 'unknown blob: falls back to a new upload session');
  });

  it('the catalog needs registry:catalog:*', async () => {
    const alice = await fetchToken(f.t.app, ['registry:catalog:*'], 'alice');
    expectError(await request(f.t.app).get('/v2/_catalog').set('Authorization', bearer(alice.token)), 401, 'DENIED');
    const admin = await fetchToken(f.t.app, ['registry:catalog:*'], 'admin');
    const res = await request(f.t.app).get('/v2/_catalog').set('Authorization', bearer(admin.token));
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(res.body.repositories));
  });
});
