/** Users through the API on the real app (accounts on, SQLite): every endpoint and its errors. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeAccountsApp, type AccountsApp } from '../helpers/accounts.js';
import { ADMIN, as, assertError, signIn } from './helpers.js';

describe('API users', () => {
  let a: AccountsApp;
  const alice = { user: 'alice', password: 'alice-password' };
  before(async () => {
    a = await makeAccountsApp();
    await a.services.accounts.create('alice', alice.password);
  });
  after(() => a.cleanup());

  it('an administrator adds a user (201), sees it, and it can sign in', async () => {
    const res = await as(a.app, ADMIN).post('/users').send({ name: 'carol', password: 'carol-password' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.name, 'carol');
    assert.equal(res.body.admin, false);
    assert.equal(res.body.disabled, false);
    assert.equal(res.body.password, undefined);
    assert.equal(res.body.passwordHash, undefined);
    assert.equal((await as(a.app, ADMIN).get('/users/carol')).body.name, 'carol');
    assert.equal((await as(a.app, { user: 'carol', password: 'carol-password' }).get('/me')).status, 200);
  });

  it('adding a taken name is 409; a bad name or short password 400 with the rule', async () => {
    assertError(await as(a.app, ADMIN).post('/users').send({ name: 'alice', password: 'whatever-pass' }), 409, 'ALREADY_EXISTS', /alice/);
    assertError(await as(a.app, ADMIN).post('/users').send({ name: 'Bad Name!', password: 'whatever-pass' }), 400, 'INVALID_INPUT', /name/);
    assertError(await as(a.app, ADMIN).post('/users').send({ name: 'dave', password: 'short' }), 400, 'INVALID_INPUT', /password/);
    assertError(await as(a.app, ADMIN).post('/users').send({ name: 'dave' }), 400, 'INVALID_INPUT', /body\.password/);
  });

  it('lists users in pages with X-Total-Count and Link, filtered by q', async () => {
    for (const n of ['pg-1', 'pg-2', 'pg-3']) await a.services.accounts.create(n, 'paging-password');
    const res = await as(a.app, ADMIN).get('/users?q=pg-&page=2&page_size=2');
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-total-count'], '3');
    assert.equal(res.body.total, 3);
    assert.deepEqual(
      res.body.items.map((u: { name: string }) => u.name),
      ['pg-3'],
    );
    const link = String(res.headers['link']);
    assert.match(link, /<\/api\/v1\/users\?q=pg-&page=1&page_size=2>; rel="first"/);
    assert.match(link, /page=1&page_size=2>; rel="prev"/);
    assert.doesNotMatch(link, /rel="next"/);
    assert.match(link, /page=2&page_size=2>; rel="last"/);
    assertError(await as(a.app, ADMIN).get('/users?page=0'), 400, 'INVALID_INPUT', /query\.page/);
    assertError(await as(a.app, ADMIN).get('/users?page_size=100000'), 400, 'INVALID_INPUT', /query\.page_size/);
  });

  it('grants and revokes administrator; the last active administrator stays (409)', async () => {
    const granted = await as(a.app, ADMIN).patch('/users/alice').send({ admin: true });
    assert.equal(granted.status, 200);
    assert.equal(granted.body.admin, true);
    assert.equal((await as(a.app, alice).get('/users')).status, 200, 'alice is an administrator now');
    assert.equal((await as(a.app, ADMIN).patch('/users/alice').send({ admin: false })).body.admin, false);
    assertError(await as(a.app, ADMIN).patch('/users/admin').send({ admin: false }), 409, 'CONFLICT', /last active administrator/);
    assertError(await as(a.app, ADMIN).patch('/users/admin').send({ disabled: true }), 409, 'CONFLICT', /last active administrator/);
    assertError(await as(a.app, ADMIN).patch('/users/alice').send({ role: 'x' }), 400, 'INVALID_INPUT', /role/);
  });

  it('disables and enables a user: disabled, its Basic calls and its sessions are refused', async () => {
    await a.services.accounts.create('erin', 'erin-password');
    const s = await signIn(a.app, 'erin', 'erin-password');
    const off = await as(a.app, ADMIN).patch('/users/erin').send({ disabled: true });
    assert.equal(off.body.disabled, true);
    assertError(await as(a.app, { user: 'erin', password: 'erin-password' }).get('/me'), 401, 'UNAUTHORIZED', /disabled/);
    assert.equal((await as(a.app).get('/me').set('Cookie', s.cookie)).status, 401);
    await as(a.app, ADMIN).patch('/users/erin').send({ disabled: false });
    assert.equal((await as(a.app, { user: 'erin', password: 'erin-password' }).get('/me')).status, 200);
  });

  it("resets a user's password (204): the old one stops, the new one works, its sessions end", async () => {
    await a.services.accounts.create('frank', 'frank-password');
    const s = await signIn(a.app, 'frank', 'frank-password');
    assert.equal((await as(a.app, ADMIN).put('/users/frank/password').send({ password: 'frank-new-password' })).status, 204);
    assertError(await as(a.app, { user: 'frank', password: 'frank-password' }).get('/me'), 401, 'UNAUTHORIZED');
    assert.equal((await as(a.app, { user: 'frank', password: 'frank-new-password' }).get('/me')).status, 200);
    assert.equal((await as(a.app).get('/me').set('Cookie', s.cookie)).status, 401);
    assertError(await as(a.app, ADMIN).put('/users/nobody/password').send({ password: 'whatever-pass' }), 404, 'NOT_FOUND', /nobody/);
  });

  it('removes a user (204), then it is 404; never the last administrator', async () => {
    await a.services.accounts.create('gone', 'gone-password');
    assert.equal((await as(a.app, ADMIN).delete('/users/gone')).status, 204);
    assertError(await as(a.app, ADMIN).get('/users/gone'), 404, 'NOT_FOUND', /gone/);
    assertError(await as(a.app, ADMIN).delete('/users/gone'), 404, 'NOT_FOUND');
    assertError(await as(a.app, ADMIN).delete('/users/admin'), 409, 'CONFLICT', /last active administrator/);
  });

  it('a non-administrator is 403 with the reason; anonymous 401', async () => {
    assertError(await as(a.app, alice).get('/users'), 403, 'DENIED', /user alice is not an administrator/);
    assertError(await as(a.app, alice).post('/users').send({ name: 'x1', password: 'whatever-pass' }), 403, 'DENIED');
    assertError(await as(a.app, alice).patch('/users/alice').send({ admin: true }), 403, 'DENIED');
    assertError(await as(a.app).get('/users'), 401, 'UNAUTHORIZED', /authentication required/);
  });

  it('the name lookup answers any signed-in user with names only', async () => {
    const res = await as(a.app, alice).get('/user-names?q=ali');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { names: ['alice'] });
    assertError(await as(a.app).get('/user-names?q=a'), 401, 'UNAUTHORIZED');
  });

  it('the current user: GET /me, and changing its own password needs the current one', async () => {
    await a.services.accounts.create('hank', 'hank-password');
    const hank = { user: 'hank', password: 'hank-password' };
    assert.deepEqual((await as(a.app, hank).get('/me')).body, { kind: 'user', name: 'hank', admin: false, permissions: [] });
    assertError(
      await as(a.app, hank).put('/me/password').send({ currentPassword: 'wrong-password', newPassword: 'hank-new-password' }),
      403,
      'DENIED',
      /current password/,
    );
    assertError(
      await as(a.app, hank).put('/me/password').send({ currentPassword: 'hank-password', newPassword: 'x' }),
      400,
      'INVALID_INPUT',
    );
    const s = await signIn(a.app, 'hank', 'hank-password');
    const other = await signIn(a.app, 'hank', 'hank-password');
    const ok = await as(a.app)
      .put('/me/password')
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrfToken)
      .send({ currentPassword: 'hank-password', newPassword: 'hank-new-password' });
    assert.equal(ok.status, 204, ok.text);
    assert.equal((await as(a.app).get('/me').set('Cookie', s.cookie)).status, 200, 'this session stays');
    assert.equal((await as(a.app).get('/me').set('Cookie', other.cookie)).status, 401, 'the other session ended');
    assert.equal((await as(a.app, { user: 'hank', password: 'hank-new-password' }).get('/me')).status, 200);
  });
});
