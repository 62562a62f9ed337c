/**
 * Every change made through the management API is announced on the event bus
 * (`management.changed`, for the audit log) with who, from where, the route, the project and
 * the outcome, refusals included; never a body (no password or secret reaches it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RegistryEvent } from '../../src/events/events.js';
import { makeAccountsApp, type AccountsApp } from '../helpers/accounts.js';
import { ADMIN, as } from './helpers.js';

describe('API change events', () => {
  let a: AccountsApp;
  const seen: RegistryEvent<'management.changed'>[] = [];
  let off: () => void;
  before(async () => {
    a = await makeAccountsApp();
    off = a.registry.events.on('management.changed', (e) => void seen.push(e));
  });
  after(async () => {
    off();
    await a.cleanup();
  });

  it('a change: who, the route, the project and the status; reads and sign-ins are not changes', async () => {
    seen.length = 0;
    await as(a.app, ADMIN).post('/users').send({ name: 'alice', password: 'alice-secret-password' });
    await as(a.app, ADMIN).post('/projects').send({ name: 'team' });
    await as(a.app, ADMIN).post('/projects/team/members').send({ user: 'alice', role: 'guest' });
    await as(a.app, ADMIN).get('/projects/team/members');
    await as(a.app).post('/session').send({ username: 'alice', password: 'alice-secret-password' });
    assert.deepEqual(
      seen.map((e) => [e.data.operation, e.data.status, e.data.project]),
      [
        ['postUsers', 201, undefined],
        ['postProjects', 201, undefined],
        ['postProjectsProjectMembers', 201, 'team'],
      ],
    );
    const member = seen[2]!;
    assert.equal(member.data.method, 'POST');
    assert.equal(member.data.route, '/projects/{project}/members');
    assert.equal(member.data.path, '/api/v1/projects/team/members');
    assert.equal(member.origin.actor, 'admin');
    assert.equal(member.origin.actorKind, 'user');
    assert.ok(member.origin.address);
    assert.ok(member.origin.requestId);
    assert.doesNotMatch(JSON.stringify(seen), /alice-secret-password/);
  });

  it('a refused change is announced with its status', async () => {
    seen.length = 0;
    const res = await as(a.app, { user: 'alice', password: 'alice-secret-password' }).patch('/projects/team').send({ public: true });
    assert.equal(res.status, 403);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.data.status, 403);
    assert.equal(seen[0]!.origin.actor, 'alice');
  });
});
