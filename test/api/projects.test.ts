/** Projects and members through the API on the real app (accounts on, SQLite): every endpoint and its errors. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeAccountsApp, type AccountsApp } from '../helpers/accounts.js';
import { pushAs } from '../admin/push-as.js';
import { ADMIN, as, assertError } from './helpers.js';

describe('API projects and members', () => {
  let a: AccountsApp;
  const alice = { user: 'alice', password: 'alice-password' };
  const bob = { user: 'bob', password: 'bob-password' };
  before(async () => {
    a = await makeAccountsApp();
    await a.services.accounts.create('alice', alice.password);
    await a.services.accounts.create('bob', bob.password);
  });
  after(() => a.cleanup());

  it('a user creates a project (201, private by default) and becomes its Project Admin', async () => {
    const res = await as(a.app, alice).post('/projects').send({ name: 'team' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.name, 'team');
    assert.equal(res.body.public, false);
    assert.equal(res.body.repositoryCount, 0);
    // Measured by the artifact index: an empty project uses nothing.
    assert.equal(res.body.storageBytes, 0);
    assert.equal(res.body.role, 'project-admin');
    assert.deepEqual(res.body.permissions, ['pull', 'push', 'delete', 'admin']);
    const members = await as(a.app, alice).get('/projects/team/members');
    assert.deepEqual(
      members.body.items.map((m: { user: string; role: string }) => [m.user, m.role]),
      [['alice', 'project-admin']],
    );
  });

  it('create errors: a taken name 409, a bad name 400, anonymous 401', async () => {
    assertError(await as(a.app, alice).post('/projects').send({ name: 'team' }), 409, 'ALREADY_EXISTS', /team/);
    assertError(await as(a.app, alice).post('/projects').send({ name: 'Not/Valid' }), 400, 'INVALID_INPUT');
    assertError(await as(a.app, alice).post('/projects').send({ name: 'x', public: 'yes' }), 400, 'INVALID_INPUT', /body\.public/);
    assertError(await as(a.app).post('/projects').send({ name: 'anon' }), 401, 'UNAUTHORIZED');
  });

  it('a private project is invisible to a non-member and anonymous (not listed, 404), visible to its members and admins', async () => {
    const listed = async (creds?: { user: string; password: string }) =>
      (await as(a.app, creds).get('/projects')).body.items.map((p: { name: string }) => p.name);
    assert.ok((await listed(alice)).includes('team'));
    assert.ok((await listed(ADMIN)).includes('team'));
    assert.ok(!(await listed(bob)).includes('team'));
    assert.ok(!(await listed()).includes('team'));
    assertError(await as(a.app, bob).get('/projects/team'), 404, 'NOT_FOUND', /no project named team/);
    assertError(await as(a.app).get('/projects/team'), 401, 'UNAUTHORIZED');
    assertError(await as(a.app, bob).get('/projects/team/members'), 404, 'NOT_FOUND');
  });

  it('visibility: PATCH public makes it listed for anyone with pull; a public project shows pull to outsiders', async () => {
    const res = await as(a.app, alice).patch('/projects/team').send({ public: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.public, true);
    const anon = await as(a.app).get('/projects?public=true');
    const team = anon.body.items.find((p: { name: string }) => p.name === 'team');
    assert.deepEqual(team.permissions, ['pull']);
    assert.equal(team.role, null);
    assert.equal((await as(a.app).get('/projects/team')).status, 200);
    assertError(await as(a.app, bob).patch('/projects/team').send({ public: false }), 403, 'DENIED', /not a member of project team/);
    assertError(await as(a.app, alice).patch('/projects/team').send({ visibility: 'x' }), 400, 'INVALID_INPUT');
    await as(a.app, alice).patch('/projects/team').send({ public: false });
  });

  it('members: add (201), duplicate 409, change role, remove (204), and the errors', async () => {
    const added = await as(a.app, alice).post('/projects/team/members').send({ user: 'bob', role: 'Developer' });
    assert.equal(added.status, 201, added.text);
    assert.deepEqual([added.body.user, added.body.role], ['bob', 'developer']);
    assertError(
      await as(a.app, alice).post('/projects/team/members').send({ user: 'bob', role: 'guest' }),
      409,
      'ALREADY_EXISTS',
      /already a member .*Developer/,
    );
    assertError(await as(a.app, alice).post('/projects/team/members').send({ user: 'nobody', role: 'guest' }), 404, 'NOT_FOUND', /nobody/);
    assertError(
      await as(a.app, alice).post('/projects/team/members').send({ user: 'bob', role: 'owner' }),
      400,
      'INVALID_INPUT',
      /unknown role/,
    );
    // Bob, a Developer, sees the project and its members but may not manage them.
    assert.equal((await as(a.app, bob).get('/projects/team')).body.role, 'developer');
    assertError(
      await as(a.app, bob).post('/projects/team/members').send({ user: 'admin', role: 'guest' }),
      403,
      'DENIED',
      /user bob is Developer in project team: a Developer may not manage members/,
    );
    const changed = await as(a.app, alice).patch('/projects/team/members/bob').send({ role: 'maintainer' });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.role, 'maintainer');
    assertError(await as(a.app, alice).patch('/projects/team/members/admin').send({ role: 'guest' }), 404, 'NOT_FOUND', /not a member/);
    assert.equal((await as(a.app, alice).delete('/projects/team/members/bob')).status, 204);
    assertError(await as(a.app, alice).delete('/projects/team/members/bob'), 404, 'NOT_FOUND', /not a member/);
    assertError(await as(a.app, bob).get('/projects/team'), 404, 'NOT_FOUND');
  });

  it('members are paged with X-Total-Count', async () => {
    await as(a.app, alice).post('/projects/team/members').send({ user: 'bob', role: 'guest' });
    const res = await as(a.app, alice).get('/projects/team/members?page_size=1');
    assert.equal(res.headers['x-total-count'], '2');
    assert.equal(res.body.items.length, 1);
    assert.match(String(res.headers['link']), /rel="next"/);
    await as(a.app, alice).delete('/projects/team/members/bob');
  });

  it('projects list with their repository count; a project with repositories is not deleted (409), an empty one is (204)', async () => {
    await pushAs(a.app, alice, 'team/app', 'v1');
    await pushAs(a.app, alice, 'team/tools/cli', 'v1');
    const res = await as(a.app, alice).get('/projects?q=tea');
    const team = res.body.items.find((p: { name: string }) => p.name === 'team');
    assert.equal(team.repositoryCount, 2);
    assertError(
      await as(a.app, alice).delete('/projects/team'),
      409,
      'NOT_EMPTY',
      /project team is not empty: delete its 2 repositories first/,
    );
    await as(a.app, alice).post('/projects').send({ name: 'empty' });
    assertError(await as(a.app, bob).delete('/projects/empty'), 404, 'NOT_FOUND');
    assert.equal((await as(a.app, alice).delete('/projects/empty')).status, 204);
    assertError(await as(a.app, alice).get('/projects/empty'), 404, 'NOT_FOUND', /no project named empty/);
  });

  it('projects are paged: page, page_size, X-Total-Count, Link', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) await as(a.app, ADMIN).post('/projects').send({ name: n });
    const res = await as(a.app, ADMIN).get('/projects?q=page-&page_size=2');
    assert.equal(res.headers['x-total-count'], '3');
    assert.deepEqual(
      res.body.items.map((p: { name: string }) => p.name),
      ['page-a', 'page-b'],
    );
    assert.match(String(res.headers['link']), /<\/api\/v1\/projects\?q=page-&page_size=2&page=2>; rel="next"/);
  });
});
