/**
 * How scripts authenticate to /api/v1 on the real app: Basic (users and robots), Bearer tokens
 * from the token server, and the refusals (wrong, malformed, unknown scheme, a token whose
 * account was disabled, too many failures), all in the one error shape.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeAccountsApp, tokenFor, type AccountsApp } from '../helpers/accounts.js';
import { as, assertError } from './helpers.js';

describe('API authentication', () => {
  let a: AccountsApp;
  const alice = { user: 'alice', password: 'alice-password' };
  before(async () => {
    a = await makeAccountsApp({ raw: { auth: { ratelimit: { attempts: 5, window: 60 } } } });
    await a.services.accounts.create('alice', alice.password);
  });
  after(() => a.cleanup());

  it('Basic with a user: the caller is that user', async () => {
    const res = await as(a.app, alice).get('/session');
    assert.equal(res.body.via, 'basic');
    assert.equal(res.body.user.name, 'alice');
    assert.equal(res.body.csrfToken, null, 'no CSRF token without a session');
  });

  it("Bearer with the token server's token: the caller is the token's account, as it is now", async () => {
    const token = await tokenFor(a.app, [], alice);
    const res = await request(a.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, 'alice');
    // Unsafe methods with Bearer need no CSRF token.
    const created = await request(a.app).post('/api/v1/projects').set('Authorization', `Bearer ${token}`).send({ name: 'bearer-made' });
    assert.equal(created.status, 201, created.text);
    await a.services.accounts.setDisabled('alice', true);
    try {
      assertError(
        await request(a.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`),
        401,
        'UNAUTHORIZED',
        /not an active account/,
      );
    } finally {
      await a.services.accounts.setDisabled('alice', false);
    }
  });

  it('a forged or garbage Bearer token is 401', async () => {
    assertError(
      await request(a.app).get('/api/v1/me').set('Authorization', 'Bearer not.a.jwt'),
      401,
      'UNAUTHORIZED',
      /invalid or expired token/,
    );
    const token = await tokenFor(a.app, [], alice);
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${Buffer.from('forged').toString('base64url')}`;
    assertError(await request(a.app).get('/api/v1/me').set('Authorization', `Bearer ${forged}`), 401, 'UNAUTHORIZED');
  });

  it('wrong Basic credentials are 401 even on routes anyone may call; malformed and unknown schemes too', async () => {
    assertError(
      await as(a.app, { user: 'alice', password: 'nope-nope' }).get('/session'),
      401,
      'UNAUTHORIZED',
      /incorrect username or password/,
    );
    assertError(await as(a.app, { user: 'ghost', password: 'nope-nope' }).get('/projects'), 401, 'UNAUTHORIZED', /incorrect/);
    assertError(
      await request(a.app)
        .get('/api/v1/me')
        .set('Authorization', `Basic ${Buffer.from('no-colon').toString('base64')}`),
      401,
      'UNAUTHORIZED',
      /malformed/,
    );
    assertError(await request(a.app).get('/api/v1/me').set('Authorization', 'Digest abc'), 401, 'UNAUTHORIZED', /unsupported/);
  });

  it('too many failed logins from one address: 429 with Retry-After, in the one shape', async () => {
    const b = await makeAccountsApp({ raw: { auth: { ratelimit: { attempts: 2, window: 60 } } } });
    try {
      const wrong = { user: 'admin', password: 'wrong-password' };
      assert.equal((await as(b.app, wrong).get('/me')).status, 401);
      assert.equal((await as(b.app, wrong).get('/me')).status, 401);
      const limited = await as(b.app, wrong).get('/me');
      assertError(limited, 429, 'TOO_MANY_REQUESTS', /too many failed login attempts/);
      assert.ok(Number(limited.headers['retry-after']) > 0);
    } finally {
      await b.cleanup();
    }
  });
});
