/**
 * The role matrix of the management API: every project role, a system administrator, a
 * non-member, anonymous and a project robot against each project action the API offers
 * (see, change, delete the project; see and manage members; see and manage robots). Allowed
 * calls pass authorization (whatever the handler then says); denied ones are 403 with a clear
 * message, 404 for a private project the caller may not see, 401 for anonymous.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pushAs } from '../admin/push-as.js';
import { makeAccountsApp, type AccountsApp } from '../helpers/accounts.js';
import { ADMIN, as } from './helpers.js';

type Action = 'read' | 'update' | 'delete' | 'members.read' | 'members.manage' | 'robots.read' | 'robots.manage';
const ALL: readonly Action[] = ['read', 'update', 'delete', 'members.read', 'members.manage', 'robots.read', 'robots.manage'];
const SEE: readonly Action[] = ['read', 'members.read', 'robots.read'];

/** Who, and what the README's role table says they may do (written out, not derived from roles.ts). */
const MATRIX: ReadonlyArray<{ who: string; role?: string; allowed: readonly Action[]; denied: 401 | 403 | 404 }> = [
  { who: 'admin', allowed: ALL, denied: 403 },
  { who: 'pa', role: 'project-admin', allowed: ALL, denied: 403 },
  { who: 'ma', role: 'maintainer', allowed: SEE, denied: 403 },
  { who: 'dev', role: 'developer', allowed: SEE, denied: 403 },
  { who: 'guest', role: 'guest', allowed: SEE, denied: 403 },
  { who: 'lg', role: 'limited-guest', allowed: ['read'], denied: 403 },
  { who: 'outsider', allowed: [], denied: 404 },
  { who: 'anonymous', allowed: [], denied: 401 },
  { who: 'robot', allowed: ['read'], denied: 403 },
];

describe('API role matrix', () => {
  let a: AccountsApp;
  const creds = new Map<string, { user: string; password: string } | undefined>();
  before(async () => {
    a = await makeAccountsApp();
    const pa = await a.services.accounts.create('pa', 'pa-password');
    await a.services.projects.create('team', { owner: pa.id });
    for (const row of MATRIX) {
      if (row.who === 'admin') creds.set('admin', ADMIN);
      else if (row.who === 'anonymous') creds.set('anonymous', undefined);
      else if (row.who !== 'robot') {
        if (row.who !== 'pa') await a.services.accounts.create(row.who, `${row.who}-password`);
        if (row.role && row.who !== 'pa') await a.services.projects.setMember('team', row.who, row.role);
        creds.set(row.who, { user: row.who, password: `${row.who}-password` });
      }
    }
    const { robot, secret } = await a.services.robots.createForProject('team', 'ci', ['push']);
    creds.set('robot', { user: robot.name, password: secret });
    // A repository keeps DELETE from succeeding (409) for those allowed to try.
    await pushAs(a.app, { user: 'pa', password: 'pa-password' }, 'team/app', 'v1');
  });
  after(() => a.cleanup());

  const call = (who: string, action: Action) => {
    const c = as(a.app, creds.get(who));
    switch (action) {
      case 'read':
        return c.get('/projects/team');
      case 'update':
        return c.patch('/projects/team').send({ public: false });
      case 'delete':
        return c.delete('/projects/team');
      case 'members.read':
        return c.get('/projects/team/members');
      case 'members.manage':
        return c.patch('/projects/team/members/pa').send({ role: 'project-admin' });
      case 'robots.read':
        return c.get('/projects/team/robots');
      case 'robots.manage':
        return c.post('/projects/team/robots').send({ name: `by-${who}`, actions: ['pull'] });
    }
  };

  for (const row of MATRIX) {
    it(`${row.who}${row.role ? ` (${row.role})` : ''}: ${row.allowed.length ? row.allowed.join(', ') : 'nothing'}`, async () => {
      for (const action of ALL) {
        const res = await call(row.who, action);
        if (row.allowed.includes(action)) {
          assert.ok(![401, 403, 404].includes(res.status), `${row.who} ${action}: expected allowed, got ${res.status} ${res.text}`);
          if (action === 'delete') assert.equal(res.body.error.code, 'NOT_EMPTY');
          continue;
        }
        assert.equal(res.status, row.denied, `${row.who} ${action}: expected ${row.denied}, got ${res.status} ${res.text}`);
        assert.equal(typeof res.body.error.message, 'string');
        if (row.denied === 403) {
          assert.equal(res.body.error.code, 'DENIED');
          assert.match(res.body.error.message, / may not |not a member/, `${row.who} ${action}: ${res.body.error.message}`);
        }
      }
    });
  }

  it('the messages name the role and the action', async () => {
    const res = await call('dev', 'members.manage');
    assert.equal(res.body.error.message, 'user dev is Developer in project team: a Developer may not manage members');
    const robot = await call('robot', 'update');
    assert.equal(robot.body.error.message, 'robot robot+team+ci may not change the project in project team');
  });
});
