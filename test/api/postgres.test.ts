/**
 * The management API over PostgreSQL (where the store matters): sessions (sign-in, CSRF,
 * expiry, sign-out, a removed user's sessions), users, projects with members and robots, on a
 * real server and a database of the test's own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeAccountsApp, type AccountsApp } from '../helpers/accounts.js';
import { makePgDatabase, type TestPgDatabase } from '../helpers/postgres.js';
import { ADMIN, as, assertError, signIn } from './helpers.js';

describe('API on PostgreSQL', () => {
  let pg: TestPgDatabase;
  let a: AccountsApp;
  before(async () => {
    pg = await makePgDatabase();
    a = await makeAccountsApp({ database: { postgres: pg.url } });
  });
  after(async () => {
    await a?.cleanup();
    await pg?.drop();
  });

  it('sessions: sign in, CSRF on a change, sign out; an expired one is SESSION_EXPIRED', async () => {
    const s = await signIn(a.app, 'admin', ADMIN.password);
    assertError(
      await as(a.app).post('/users').set('Cookie', s.cookie).send({ name: 'nope', password: 'nope-password' }),
      403,
      'CSRF_INVALID',
    );
    const created = await as(a.app)
      .post('/users')
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrfToken)
      .send({ name: 'alice', password: 'alice-password' });
    assert.equal(created.status, 201, created.text);
    assert.equal((await as(a.app).delete('/session').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrfToken)).status, 204);
    assertError(await as(a.app).get('/me').set('Cookie', s.cookie), 401, 'UNAUTHORIZED');
    const t = await signIn(a.app, 'alice', 'alice-password');
    await a.services.database.kysely
      .updateTable('sessions')
      .set({ expires_at: Date.now() - 1 })
      .where('id_hash', '=', t.idHash)
      .execute();
    assertError(await as(a.app).get('/me').set('Cookie', t.cookie), 401, 'SESSION_EXPIRED');
  });

  it("removing a user removes its sessions (the foreign key's cascade)", async () => {
    await as(a.app, ADMIN).post('/users').send({ name: 'temp', password: 'temp-password' });
    const s = await signIn(a.app, 'temp', 'temp-password');
    assert.equal((await as(a.app, ADMIN).delete('/users/temp')).status, 204);
    const rows = await a.services.database.kysely.selectFrom('sessions').select('id_hash').where('id_hash', '=', s.idHash).execute();
    assert.equal(rows.length, 0);
  });

  it('users, projects, members and robots: the whole flow, paged with totals', async () => {
    const alice = { user: 'alice', password: 'alice-password' };
    assert.equal((await as(a.app, alice).post('/projects').send({ name: 'team', public: true })).status, 201);
    await as(a.app, ADMIN).post('/users').send({ name: 'bob', password: 'bob-password' });
    assert.equal((await as(a.app, alice).post('/projects/team/members').send({ user: 'bob', role: 'developer' })).status, 201);
    const members = await as(a.app, alice).get('/projects/team/members');
    assert.equal(members.headers['x-total-count'], '2');
    const robot = await as(a.app, alice)
      .post('/projects/team/robots')
      .send({ name: 'ci', actions: ['pull'], expiresInDays: 7 });
    assert.equal(robot.status, 201, robot.text);
    assert.equal((await as(a.app, { user: 'robot+team+ci', password: robot.body.secret }).get('/me')).status, 200);
    const users = await as(a.app, ADMIN).get('/users?page_size=1&page=2');
    assert.equal(users.headers['x-total-count'], '3');
    assert.equal(users.body.items.length, 1);
    const projects = await as(a.app).get('/projects?q=team');
    assert.deepEqual(
      projects.body.items.map((p: { name: string; permissions: string[] }) => [p.name, p.permissions]),
      [['team', ['pull']]],
    );
    assert.equal((await as(a.app, ADMIN).get('/system')).body.database.dialect, 'postgres');
    assert.equal((await as(a.app, alice).delete('/projects/team')).status, 204);
  });
});
