/**
 * Abuse: forged and stale tokens are 401 invalid_token and change nothing; failed logins are
 * rate-limited per address (429 + Retry-After); secrets never reach the log.
 */
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { libtrustKeyId } from '../../src/auth/keys.js';
import { parseConfig } from '../../src/config/load.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { createRegistry } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';
import type { TestApp } from '../helpers/app.js';
import { basic, bearer, fetchToken, makePki, makeTokenApp, PASSWORDS, tokenAuthConfig, type Pki } from '../helpers/auth.js';
import { expectError } from '../helpers/http.js';
import { digestOf } from '../helpers/oci.js';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('forged and stale tokens', () => {
  let pki: Pki;
  let t: TestApp;
  let privateKey: string;
  let kid: string;
  const data = Buffer.from('a blob an attacker wants to push');
  const digest = digestOf(data);
  const access = [{ type: 'repository', name: 'dev/app', actions: ['pull', 'push', 'delete'] }];
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (over: Record<string, unknown> = {}) => ({
    iss: 'berth-test-issuer',
    aud: 'berth-test',
    sub: 'mallory',
    iat: now(),
    nbf: now(),
    exp: now() + 300,
    jti: randomUUID(),
    access,
    ...over,
  });
  const signed = (over: Record<string, unknown> = {}, key = privateKey, keyid = kid) =>
    jwt.sign(claims(over), key, { algorithm: 'ES256', keyid });

  before(async () => {
    pki = await makePki();
    t = await makeTokenApp(pki);
    privateKey = readFileSync(pki.tokenKey, 'utf8');
    kid = libtrustKeyId(createPublicKey(privateKey));
  });
  after(async () => {
    await t.cleanup();
    await pki.cleanup();
  });

  /** Try to push with `token`: expect 401 invalid_token, then check nothing was stored. */
  async function refused(token: string): Promise<void> {
    const res = await request(t.app)
      .post(`/v2/dev/app/blobs/uploads/?digest=${digest}`)
      .set('Authorization', bearer(token))
      .set('Content-Type', 'application/octet-stream')
      .send(data);
    expectError(res, 401, 'UNAUTHORIZED');
    assert.match(res.headers['www-authenticate'] ?? '', /error="invalid_token"/);
    const put = await request(t.app)
      .put('/v2/dev/app/manifests/pwned')
      .set('Authorization', bearer(token))
      .set('Content-Type', 'application/vnd.oci.image.manifest.v1+json')
      .send('{}');
    expectError(put, 401, 'UNAUTHORIZED');
    const admin = await fetchToken(t.app, ['repository:dev/app:pull', 'registry:catalog:*'], 'admin');
    assert.equal((await request(t.app).head(`/v2/dev/app/blobs/${digest}`).set('Authorization', bearer(admin.token))).status, 404);
    const cat = await request(t.app).get('/v2/_catalog').set('Authorization', bearer(admin.token));
    assert.deepEqual(cat.body.repositories, [], 'no repository was created');
  }

  it('control: a correctly signed token with these claims is accepted', async () => {
    const res = await request(t.app).get('/v2/dev/app/tags/list').set('Authorization', bearer(signed()));
    expectError(res, 404, 'NAME_UNKNOWN');
  });

  it('alg: none', async () => {
    await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`);
    await refused(`${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(claims())}.`);
  });

  it('HS256 signed with the public key (algorithm confusion)', async () => {
    const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
    for (const header of [
      { alg: 'HS256', typ: 'JWT', kid },
      { alg: 'HS256', typ: 'JWT' },
    ]) {
      const input = `${b64(header)}.${b64(claims())}`;
      await refused(`${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`);
    }
  });

  it('expired, and not yet valid (beyond the leeway)', async () => {
    await refused(signed({ iat: now() - 600, nbf: now() - 600, exp: now() - 120 }));
    await refused(signed({ nbf: now() + 600, exp: now() + 900 }));
  });

  it('wrong issuer or audience', async () => {
    await refused(signed({ iss: 'someone-else' }));
    await refused(signed({ aud: 'another-service' }));
    await refused(signed({ aud: 'berth-refresh:berth-test' }));
  });

  it('tampered: the access claim widened after signing', async () => {
    const { token } = await fetchToken(t.app, ['repository:dev/app:pull'], 'bob');
    const [h, , s] = token.split('.');
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
    payload.access = access;
    await refused(`${h}.${b64(payload)}.${s}`);
  });

  it('signed by a foreign key, under our kid or its own', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await refused(signed({}, other, kid));
    await refused(signed({}, other, libtrustKeyId(createPublicKey(other))));
    await refused(jwt.sign(claims(), other, { algorithm: 'ES256' }));
  });

  it('garbage', async () => {
    await refused('not-a-jwt');
    await refused('a.b.c');
  });
});

describe('failed-login rate limit and secrets', () => {
  let pki: Pki;
  const lines: string[] = [];
  let app: ReturnType<typeof createApp>;
  before(async () => {
    pki = await makePki();
    const config = parseConfig({
      storage: { inmemory: {} },
      log: { level: 'debug', accesslog: { disabled: false } },
      auth: tokenAuthConfig(pki, { ratelimit: { attempts: 3, window: 60 } }),
    });
    app = createApp({
      config,
      registry: createRegistry(createDriver(config.storage), config.storage),
      log: createLogger('debug', (l) => lines.push(l)),
    });
  });
  after(() => pki.cleanup());

  it('after 3 failures the address gets 429 with Retry-After, even with the right password', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await request(app)
        .get('/token?service=berth-test')
        .set('Authorization', basic('alice', `guess-${i}`));
      expectError(res, 401, 'UNAUTHORIZED');
    }
    for (const password of ['guess-4', PASSWORDS.alice]) {
      const res = await request(app).get('/token?service=berth-test').set('Authorization', basic('alice', password));
      expectError(res, 429, 'TOOMANYREQUESTS');
      const wait = Number(res.headers['retry-after']);
      assert.ok(wait > 0 && wait <= 60, `Retry-After ${res.headers['retry-after']}`);
    }
    const post = await request(app).post('/token').type('form').send({ grant_type: 'password', username: 'alice', password: 'x' });
    expectError(post, 429, 'TOOMANYREQUESTS');
    // Anonymous requests are not logins and are not refused.
    assert.equal((await request(app).get('/token?service=berth-test')).status, 200);
  });

  it('passwords and tokens never appear in the log', async () => {
    const t2 = await makeTokenApp(pki);
    const good = await fetchToken(t2.app, ['repository:dev/app:pull'], 'alice');
    await request(app).get('/v2/dev/app/tags/list').set('Authorization', bearer(good.token));
    await request(app)
      .get('/v2/dev/app/tags/list')
      .set('Authorization', bearer(`${good.token}x`));
    await request(app).post('/token').type('form').send({ grant_type: 'refresh_token', refresh_token: 'secret-refresh-value' });
    const text = lines.join('');
    assert.ok(text.includes('failed login'), 'failed logins are logged');
    for (const secret of ['guess-0', 'guess-4', PASSWORDS.alice, good.token, 'secret-refresh-value']) {
      assert.ok(!text.includes(secret), `log contains a secret: ${secret.slice(0, 12)}...`);
    }
    await t2.cleanup();
  });
});
