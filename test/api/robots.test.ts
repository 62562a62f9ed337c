/**
 * Robot accounts through the API on the real app (accounts on, SQLite): project and system
 * robots, the secret shown once and working at the token server and as Basic credentials,
 * refresh, disable, expiry, delete, and the errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeAccountsApp, tokenRequest, type AccountsApp } from '../helpers/accounts.js';
import { ADMIN, as, assertError } from './helpers.js';

describe('API robots', () => {
  let a: AccountsApp;
  const alice = { user: 'alice', password: 'alice-password' };
  const bob = { user: 'bob', password: 'bob-password' };
  before(async () => {
    a = await makeAccountsApp();
    await a.services.accounts.create('alice', alice.password);
    await a.services.accounts.create('bob', bob.password);
    await a.services.projects.create('team', { owner: (await a.services.accounts.get('alice')).id });
    await a.services.projects.setMember('team', 'bob', 'guest');
    await a.services.projects.create('other');
  });
  after(() => a.cleanup());

  it('a Project Admin creates a robot: 201 with its secret once; the secret logs in at the token server and as Basic', async () => {
    const res = await as(a.app, alice)
      .post('/projects/team/robots')
      .send({ name: 'ci', actions: ['push'], description: 'CI pipeline' });
    assert.equal(res.status, 201, res.text);
    const { robot, secret } = res.body;
    assert.equal(robot.name, 'robot+team+ci');
    assert.equal(robot.project, 'team');
    assert.deepEqual(robot.permissions, [{ project: 'team', actions: ['pull', 'push'] }]);
    assert.equal(robot.expiresAt, null);
    assert.equal(robot.disabled, false);
    assert.equal(robot.description, 'CI pipeline');
    assert.ok(secret.length >= 32);
    // The secret is never shown again.
    const again = await as(a.app, alice).get(`/projects/team/robots/${robot.id}`);
    assert.equal(again.status, 200);
    assert.equal(again.body.secret, undefined);
    assert.equal(JSON.stringify(again.body).includes(secret), false);
    const listed = await as(a.app, bob).get('/projects/team/robots');
    assert.equal(listed.headers['x-total-count'], '1');
    assert.equal(JSON.stringify(listed.body).includes(secret), false);
    const creds = { user: robot.name, password: secret };
    assert.equal((await tokenRequest(a.app, ['repository:team/app:push'], creds)).status, 200);
    const me = await as(a.app, creds).get('/me');
    assert.deepEqual(me.body, {
      kind: 'robot',
      name: 'robot+team+ci',
      admin: false,
      permissions: [{ project: 'team', actions: ['pull', 'push'] }],
    });
  });

  it('refresh: a new secret (shown once), the old one refused at once', async () => {
    const { robot, secret } = (
      await as(a.app, alice)
        .post('/projects/team/robots')
        .send({ name: 'refresh', actions: ['pull'] })
    ).body;
    const res = await as(a.app, alice).post(`/projects/team/robots/${robot.id}/secret`);
    assert.equal(res.status, 200);
    assert.notEqual(res.body.secret, secret);
    assertError(await as(a.app, { user: robot.name, password: secret }).get('/me'), 401, 'UNAUTHORIZED');
    assert.equal((await as(a.app, { user: robot.name, password: res.body.secret }).get('/me')).status, 200);
  });

  it('disable and enable; change description, actions and expiry; a past expiry is 400', async () => {
    const { robot, secret } = (
      await as(a.app, alice)
        .post('/projects/team/robots')
        .send({ name: 'toggle', actions: ['pull'] })
    ).body;
    const creds = { user: robot.name, password: secret };
    assert.equal((await as(a.app, alice).patch(`/projects/team/robots/${robot.id}`).send({ disabled: true })).body.disabled, true);
    assertError(await as(a.app, creds).get('/me'), 401, 'UNAUTHORIZED', /disabled/);
    assert.equal((await tokenRequest(a.app, ['repository:team/app:pull'], creds)).status, 401);
    await as(a.app, alice).patch(`/projects/team/robots/${robot.id}`).send({ disabled: false });
    assert.equal((await as(a.app, creds).get('/me')).status, 200);
    const changed = await as(a.app, alice)
      .patch(`/projects/team/robots/${robot.id}`)
      .send({ description: 'changed', actions: ['pull', 'delete'], expiresInDays: 30 });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.description, 'changed');
    assert.deepEqual(changed.body.permissions, [{ project: 'team', actions: ['pull', 'delete'] }]);
    const days = (Date.parse(changed.body.expiresAt) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);
    assertError(
      await as(a.app, alice).patch(`/projects/team/robots/${robot.id}`).send({ expiresAt: '2001-01-01T00:00:00Z' }),
      400,
      'INVALID_INPUT',
      /future/,
    );
    assertError(
      await as(a.app, alice).patch(`/projects/team/robots/${robot.id}`).send({ expiresAt: '2099-01-01T00:00:00Z', expiresInDays: 3 }),
      400,
      'INVALID_INPUT',
      /not both/,
    );
    assertError(
      await as(a.app, alice)
        .patch(`/projects/team/robots/${robot.id}`)
        .send({ permissions: [{ project: 'other', actions: ['pull'] }] }),
      400,
      'INVALID_INPUT',
    );
    const never = await as(a.app, alice).patch(`/projects/team/robots/${robot.id}`).send({ expiresAt: null });
    assert.equal(never.body.expiresAt, null);
  });

  it('an expired robot is refused with a message saying so', async () => {
    const { robot, secret } = (
      await as(a.app, alice)
        .post('/projects/team/robots')
        .send({ name: 'short', actions: ['pull'], expiresInDays: 1 })
    ).body;
    await a.services.database.kysely
      .updateTable('robots')
      .set({ expires_at: Date.now() - 1000 })
      .where('id', '=', robot.id)
      .execute();
    assert.equal((await as(a.app, alice).get(`/projects/team/robots/${robot.id}`)).body.expired, true);
    assertError(await as(a.app, { user: robot.name, password: secret }).get('/me'), 401, 'UNAUTHORIZED', /expired/);
  });

  it('delete (204), then 404; a robot id of another project is 404 there', async () => {
    const { robot } = (
      await as(a.app, alice)
        .post('/projects/team/robots')
        .send({ name: 'gone', actions: ['pull'] })
    ).body;
    assertError(await as(a.app, ADMIN).get(`/projects/other/robots/${robot.id}`), 404, 'NOT_FOUND', /no robot with id .* in project other/);
    assert.equal((await as(a.app, alice).delete(`/projects/team/robots/${robot.id}`)).status, 204);
    assertError(await as(a.app, alice).get(`/projects/team/robots/${robot.id}`), 404, 'NOT_FOUND');
    assertError(await as(a.app, alice).delete(`/projects/team/robots/${robot.id}`), 404, 'NOT_FOUND');
    assertError(await as(a.app, alice).get('/projects/team/robots/abc'), 400, 'INVALID_INPUT', /path\.id/);
  });

  it('create errors: a taken name 409, a bad name or action 400, a Guest 403, a non-member 404', async () => {
    assertError(
      await as(a.app, alice)
        .post('/projects/team/robots')
        .send({ name: 'ci', actions: ['pull'] }),
      409,
      'ALREADY_EXISTS',
    );
    assertError(
      await as(a.app, alice)
        .post('/projects/team/robots')
        .send({ name: 'Bad Name', actions: ['pull'] }),
      400,
      'INVALID_INPUT',
    );
    assertError(
      await as(a.app, alice)
        .post('/projects/team/robots')
        .send({ name: 'x', actions: ['fly'] }),
      400,
      'INVALID_INPUT',
      /body\.actions/,
    );
    assertError(await as(a.app, alice).post('/projects/team/robots').send({ name: 'x', actions: [] }), 400, 'INVALID_INPUT');
    assertError(
      await as(a.app, bob)
        .post('/projects/team/robots')
        .send({ name: 'x', actions: ['pull'] }),
      403,
      'DENIED',
      /a Guest may not manage robot accounts/,
    );
    assertError(
      await as(a.app, alice)
        .post('/projects/other/robots')
        .send({ name: 'x', actions: ['pull'] }),
      404,
      'NOT_FOUND',
    );
  });

  it('system robots: an administrator creates one on several projects or all; others are 403', async () => {
    const res = await as(a.app, ADMIN)
      .post('/robots')
      .send({
        name: 'mirror',
        permissions: [
          { project: 'team', actions: ['pull'] },
          { project: 'other', actions: ['pull', 'push'] },
        ],
      });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.robot.name, 'robot+mirror');
    assert.equal(res.body.robot.project, null);
    const id = res.body.robot.id;
    assert.equal((await as(a.app, ADMIN).get('/robots')).body.items.length, 1);
    const all = await as(a.app, ADMIN)
      .patch(`/robots/${id}`)
      .send({ permissions: [{ project: '*', actions: ['pull'] }] });
    assert.deepEqual(all.body.permissions, [{ project: '*', actions: ['pull'] }]);
    assertError(
      await as(a.app, ADMIN)
        .patch(`/robots/${id}`)
        .send({ actions: ['pull'] }),
      400,
      'INVALID_INPUT',
    );
    const refreshed = await as(a.app, ADMIN).post(`/robots/${id}/secret`);
    assert.equal((await as(a.app, { user: 'robot+mirror', password: refreshed.body.secret }).get('/me')).status, 200);
    assertError(
      await as(a.app, ADMIN)
        .post('/robots')
        .send({ name: 'bad', permissions: [{ project: 'nope', actions: ['pull'] }] }),
      404,
      'NOT_FOUND',
      /no project named nope/,
    );
    assertError(
      await as(a.app, alice)
        .post('/robots')
        .send({ name: 'x', permissions: [{ project: 'team', actions: ['pull'] }] }),
      403,
      'DENIED',
    );
    assertError(await as(a.app, alice).get('/robots'), 403, 'DENIED');
    const teamRobot = (await as(a.app, alice).get('/projects/team/robots')).body.items[0];
    assertError(await as(a.app, ADMIN).get(`/robots/${teamRobot.id}`), 404, 'NOT_FOUND', /no system robot/);
    assert.equal((await as(a.app, ADMIN).delete(`/robots/${id}`)).status, 204);
  });
});
