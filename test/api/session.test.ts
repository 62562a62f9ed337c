/**
 * Sessions for the UI on the real app: sign-in sets an HttpOnly, SameSite=Strict cookie and
 * returns a CSRF token; unsafe methods with the cookie need it; sign-out and expiry end the
 * session; failed sign-ins are failed logins on the event bus.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { RegistryEvent } from '../../src/events/events.js';
import { ADMIN_PASSWORD, makeAccountsApp, type AccountsApp } from '../helpers/accounts.js';
import { signIn } from './helpers.js';

describe('API sessions', () => {
  let a: AccountsApp;
  before(async () => {
    // supertest connects over loopback: trusted, so X-Forwarded-Proto counts (http.trustedproxies).
    a = await makeAccountsApp({ raw: { http: { trustedproxies: ['loopback'] } } });
    await a.services.accounts.create('alice', 'alice-password');
  });
  after(() => a.cleanup());

  it('sign-in sets an HttpOnly SameSite=Strict cookie scoped to /api/v1 and returns the user and a CSRF token', async () => {
    const res = await request(a.app).post('/api/v1/session').send({ username: 'alice', password: 'alice-password' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.user.name, 'alice');
    assert.equal(res.body.user.admin, false);
    assert.match(res.body.csrfToken, /^[\w-]{40,}$/);
    assert.ok(Date.parse(res.body.expiresAt) > Date.now());
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /berth_session=[\w-]+/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\/api\/v1/);
    assert.doesNotMatch(cookie, /Secure/, 'plain HTTP: no Secure flag');
  });

  it('the cookie is Secure when the request came over TLS (X-Forwarded-Proto from a trusted proxy)', async () => {
    const res = await request(a.app)
      .post('/api/v1/session')
      .set('X-Forwarded-Proto', 'https')
      .send({ username: 'alice', password: 'alice-password' });
    assert.equal(res.status, 201);
    assert.match(String(res.headers['set-cookie']), /Secure/);
  });

  it('GET /session answers the signed-in user (and the CSRF token) or user null for an anonymous visitor', async () => {
    const s = await signIn(a.app, 'alice', 'alice-password');
    const me = await request(a.app).get('/api/v1/session').set('Cookie', s.cookie);
    assert.equal(me.status, 200);
    assert.equal(me.body.user.name, 'alice');
    assert.equal(me.body.csrfToken, s.csrfToken);
    assert.equal(me.body.via, 'session');
    assert.deepEqual(me.body.capabilities, { authMode: 'accounts', accounts: true, readOnly: false, deleteEnabled: true });
    const anon = await request(a.app).get('/api/v1/session');
    assert.equal(anon.status, 200);
    assert.equal(anon.body.user, null);
    assert.equal(anon.body.csrfToken, null);
  });

  it('wrong credentials: 401 in the one error shape, and a login.failed event', async () => {
    const seen: RegistryEvent[] = [];
    const off = a.registry.events.on('login.failed', (e) => void seen.push(e));
    try {
      const res = await request(a.app).post('/api/v1/session').send({ username: 'alice', password: 'wrong-password' });
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { error: { code: 'UNAUTHORIZED', message: 'incorrect username or password' } });
      assert.equal(res.headers['set-cookie'], undefined);
      assert.equal(seen.length, 1);
      assert.equal((seen[0]!.data as { user: string }).user, 'alice');
    } finally {
      off();
    }
  });

  it('a successful sign-in is a login.succeeded event naming the user', async () => {
    const seen: RegistryEvent[] = [];
    const off = a.registry.events.on('login.succeeded', (e) => void seen.push(e));
    try {
      await signIn(a.app, 'alice', 'alice-password');
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.origin.actor, 'alice');
      assert.equal(seen[0]!.origin.actorKind, 'user');
    } finally {
      off();
    }
  });

  it('a missing field is 400 naming it; malformed JSON is 400 MALFORMED_JSON', async () => {
    const res = await request(a.app).post('/api/v1/session').send({ username: 'alice' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'INVALID_INPUT');
    assert.match(res.body.error.message, /body\.password/);
    const bad = await request(a.app).post('/api/v1/session').set('Content-Type', 'application/json').send('{"username":');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'MALFORMED_JSON');
    const form = await request(a.app).post('/api/v1/session').type('form').send('username=alice&password=x');
    assert.equal(form.status, 400);
    assert.match(form.body.error.message, /JSON body is required/);
  });

  it('a robot does not sign in to the UI (403 saying to use Basic)', async () => {
    await a.services.projects.create('team');
    const { robot, secret } = await a.services.robots.createForProject('team', 'ci', ['pull']);
    const res = await request(a.app).post('/api/v1/session').send({ username: robot.name, password: secret });
    assert.equal(res.status, 403);
    assert.match(res.body.error.message, /Basic/);
  });

  it('CSRF: an unsafe method with the cookie needs X-CSRF-Token; without or wrong it is 403, with it passes', async () => {
    const s = await signIn(a.app, 'admin', ADMIN_PASSWORD);
    const none = await request(a.app).put('/api/v1/system/readonly').set('Cookie', s.cookie).send({ enabled: false });
    assert.equal(none.status, 403);
    assert.equal(none.body.error.code, 'CSRF_INVALID');
    const wrong = await request(a.app)
      .put('/api/v1/system/readonly')
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', 'x'.repeat(43))
      .send({ enabled: false });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'CSRF_INVALID');
    const right = await request(a.app)
      .put('/api/v1/system/readonly')
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrfToken)
      .send({ enabled: false });
    assert.equal(right.status, 200, right.text);
    // Safe methods need no token.
    assert.equal((await request(a.app).get('/api/v1/system/readonly').set('Cookie', s.cookie)).status, 200);
  });

  it('sign-out ends the session on the server: the same cookie is then anonymous', async () => {
    const s = await signIn(a.app, 'alice', 'alice-password');
    const out = await request(a.app).delete('/api/v1/session').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrfToken);
    assert.equal(out.status, 204);
    assert.match(String(out.headers['set-cookie']), /berth_session=;.*Expires=Thu, 01 Jan 1970/);
    const me = await request(a.app).get('/api/v1/me').set('Cookie', s.cookie);
    assert.equal(me.status, 401);
    assert.equal(me.body.error.code, 'UNAUTHORIZED');
  });

  it('an expired session is 401 SESSION_EXPIRED, and its row is removed', async () => {
    const s = await signIn(a.app, 'alice', 'alice-password');
    await a.services.database.kysely
      .updateTable('sessions')
      .set({ expires_at: Date.now() - 1000 })
      .execute();
    const me = await request(a.app).get('/api/v1/me').set('Cookie', s.cookie);
    assert.equal(me.status, 401);
    assert.equal(me.body.error.code, 'SESSION_EXPIRED');
    const left = await a.services.database.kysely.selectFrom('sessions').select('id_hash').where('expires_at', '<', Date.now()).execute();
    assert.ok(!left.some((r) => r.id_hash === s.idHash));
  });

  it('the session lives api.session.expiration seconds', async () => {
    const b = await makeAccountsApp({ raw: { api: { session: { expiration: 600 } } } });
    try {
      const before = Date.now();
      const res = await request(b.app).post('/api/v1/session').send({ username: 'admin', password: ADMIN_PASSWORD });
      const ttl = Date.parse(res.body.expiresAt) - before;
      assert.ok(ttl > 595_000 && ttl <= 601_000, `ttl ${ttl}`);
    } finally {
      await b.cleanup();
    }
  });

  it('a disabled user loses its session at once', async () => {
    await a.services.accounts.create('bob', 'bob-password');
    const s = await signIn(a.app, 'bob', 'bob-password');
    await a.services.accounts.setDisabled('bob', true);
    assert.equal((await request(a.app).get('/api/v1/me').set('Cookie', s.cookie)).status, 401);
  });
});
