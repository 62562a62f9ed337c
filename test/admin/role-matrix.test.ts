/**
 * The role matrix: every project role, a system administrator, a non-member, anonymous and
 * robots of each permission, against pull, push and delete through the registry (a token from
 * /token, then the request itself), and against member management, robot management and the
 * audit log as service-level authorization questions. Each registry denial carries its reason.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Principal } from '../../src/admin/principal.js';
import { ROLE_ACTIONS, ROLE_TITLES, ROLES, type ProjectAction } from '../../src/admin/roles.js';
import { bearer } from '../helpers/auth.js';
import { expectError } from '../helpers/http.js';
import { digestOf, MT } from '../helpers/oci.js';
import { pushAs } from './push-as.js';
import { ADMIN_PASSWORD, makeAccountsApp, tokenFor, type AccountsApp } from '../helpers/accounts.js';

const PW = 'password-1234';
type Act = 'pull' | 'push' | 'delete' | 'members.manage' | 'robots.manage' | 'audit.read';
const ACTS: Act[] = ['pull', 'push', 'delete', 'members.manage', 'robots.manage', 'audit.read'];

/** Who, how they log in, and what they may do (written out, not derived from the code's table). */
interface Case {
  who: string;
  login?: { user: string; password: string };
  allowed: Act[];
  /** The reason a denied registry action gives. */
  denial?: (action: string) => RegExp;
}

const roleCase = (user: string, title: string, allowed: Act[]): Case => ({
  who: `${title} (${user})`,
  login: { user, password: PW },
  allowed,
  denial: (a) => new RegExp(`user ${user} is ${title} in project team: a ${title} may not ${a}`),
});

describe('role matrix', () => {
  let t: AccountsApp;
  const secrets: Record<string, string> = {};
  const cases: Case[] = [
    roleCase('lg', 'Limited Guest', ['pull']),
    roleCase('gu', 'Guest', ['pull', 'audit.read']),
    roleCase('de', 'Developer', ['pull', 'push', 'audit.read']),
    roleCase('ma', 'Maintainer', ['pull', 'push', 'delete', 'audit.read']),
    roleCase('pa', 'Project Admin', ['pull', 'push', 'delete', 'members.manage', 'robots.manage', 'audit.read']),
    { who: 'system administrator', login: { user: 'admin', password: ADMIN_PASSWORD }, allowed: [...ACTS] },
    {
      who: 'signed-in non-member',
      login: { user: 'out', password: PW },
      allowed: [],
      denial: () => /user out is not a member of project team/,
    },
    { who: 'anonymous', allowed: [], denial: (a) => new RegExp(`authentication required to ${a} in project team`) },
  ];
  const robotCase = (name: string, allowed: Act[], denial: (a: string) => RegExp): Case => ({
    who: `robot ${name}`,
    login: { user: name, password: '' },
    allowed,
    denial,
  });
  cases.push(
    robotCase('robot+team+puller', ['pull'], (a) => new RegExp(`robot robot\\+team\\+puller may not ${a} in project team`)),
    robotCase('robot+team+pusher', ['pull', 'push'], (a) => new RegExp(`robot robot\\+team\\+pusher may not ${a} in project team`)),
    robotCase('robot+team+deleter', ['pull', 'push', 'delete'], () => /never/),
    robotCase('robot+other+ci', [], () => /robot robot\+other\+ci has no permission on project team/),
    robotCase('robot+everywhere', ['pull'], (a) => new RegExp(`robot robot\\+everywhere may not ${a} in project team`)),
  );

  let seq = 0;
  const pushAsAdmin = (tag: string) => pushAs(t.app, { user: 'admin', password: ADMIN_PASSWORD }, 'team/app', tag);

  before(async () => {
    t = await makeAccountsApp();
    const { accounts, projects, robots } = t.services;
    await projects.create('team', {});
    await projects.create('other', {});
    for (const [user, role] of [
      ['lg', 'limited-guest'],
      ['gu', 'guest'],
      ['de', 'developer'],
      ['ma', 'maintainer'],
      ['pa', 'project-admin'],
    ] as const) {
      await accounts.create(user, PW);
      await projects.setMember('team', user, role);
    }
    await accounts.create('out', PW);
    secrets['robot+team+puller'] = (await robots.createForProject('team', 'puller', ['pull'])).secret;
    secrets['robot+team+pusher'] = (await robots.createForProject('team', 'pusher', ['push'])).secret;
    secrets['robot+team+deleter'] = (await robots.createForProject('team', 'deleter', ['pull', 'push', 'delete'])).secret;
    secrets['robot+other+ci'] = (await robots.createForProject('other', 'ci', ['pull', 'push'])).secret;
    secrets['robot+everywhere'] = (await robots.createSystem('everywhere', [{ namespace: '*', actions: ['pull'] }])).secret;
    await pushAsAdmin('1');
  });
  after(() => t?.cleanup());

  const loginOf = (c: Case) => (c.login && c.login.password === '' ? { user: c.login.user, password: secrets[c.login.user]! } : c.login);

  for (const c of cases) {
    describe(c.who, () => {
      it('pull: GET a manifest', async () => {
        const token = await tokenFor(t.app, ['repository:team/app:pull'], loginOf(c));
        const res = await request(t.app).get('/v2/team/app/manifests/1').set('Authorization', bearer(token)).set('Accept', MT.ociManifest);
        if (c.allowed.includes('pull')) assert.equal(res.status, 200, res.text);
        else {
          expectError(res, 401, 'DENIED');
          assert.match(res.body.errors[0].message, c.denial!('pull'));
        }
      });

      it('push: upload a blob', async () => {
        const token = await tokenFor(t.app, ['repository:team/app:pull,push'], loginOf(c));
        const blob = Buffer.from(`pushed by ${c.who} ${seq++}`);
        const res = await request(t.app)
          .post(`/v2/team/app/blobs/uploads/?digest=${digestOf(blob)}`)
          .set('Authorization', bearer(token))
          .set('Content-Type', 'application/octet-stream')
          .send(blob);
        if (c.allowed.includes('push')) assert.equal(res.status, 201, res.text);
        else {
          expectError(res, 401, 'DENIED');
          assert.match(res.body.errors[0].message, c.denial!('push'));
        }
      });

      it('delete: DELETE a manifest', async () => {
        const digest = await pushAsAdmin(`del-${seq++}`);
        const token = await tokenFor(t.app, ['repository:team/app:delete'], loginOf(c));
        const res = await request(t.app).delete(`/v2/team/app/manifests/${digest}`).set('Authorization', bearer(token));
        if (c.allowed.includes('delete')) assert.equal(res.status, 202, res.text);
        else {
          expectError(res, 401, 'DENIED');
          assert.match(res.body.errors[0].message, c.denial!('delete'));
        }
      });

      it('members, robots and audit log: the authorizer answers by the same table', async () => {
        const login = loginOf(c);
        let principal: Principal | undefined;
        if (login) {
          const auth = await t.services.credentials.authenticate(login.user, login.password);
          assert.ok(auth.ok, `login of ${c.who}`);
          principal = auth.principal;
        }
        for (const action of ACTS) {
          const d = await t.services.authorizer.can(principal, action, 'team');
          assert.equal(d.allowed, c.allowed.includes(action), `${c.who}: ${action}`);
          if (!d.allowed) assert.ok(d.reason.length > 10, `a reason for ${action}: ${d.reason}`);
        }
      });
    });
  }

  it("README's role table says what the code's table does", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const lines = readme.slice(readme.indexOf('### Roles')).split('\n');
    const start = lines.findIndex((l) => l.startsWith('| action'));
    const header = lines[start]!;
    const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
    const rows = lines.slice(start + 2, end);
    const titles = header
      .split('|')
      .map((c) => c.trim())
      .slice(2, -1);
    assert.deepEqual(
      titles,
      ROLES.map((r) => ROLE_TITLES[r]),
    );
    const seen = new Set<string>();
    for (const row of rows) {
      const cells = row.split('|').map((c) => c.trim());
      const action = /`([^`]+)`/.exec(cells[1]!)![1] as ProjectAction;
      seen.add(action);
      ROLES.forEach((role, i) => assert.equal(cells[i + 2] === '✓', ROLE_ACTIONS[role].has(action), `${action} for ${role}`));
    }
    assert.deepEqual([...seen].sort(), [...new Set(Object.values(ROLE_ACTIONS).flatMap((s) => [...s]))].sort());
  });
});
