/**
 * Accounts through the token server on the real app: logins and docker's refresh tokens for
 * users and robots, what disabling, expiry, password changes and secret refreshes do to them,
 * missing projects (denied, or created with projects.autocreate), public projects, the
 * catalog filtered by what the caller may pull, and no database query on the registry's path.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { bearer, claimsOf } from '../helpers/auth.js';
import { expectError } from '../helpers/http.js';
import { MT } from '../helpers/oci.js';
import { ADMIN_PASSWORD, makeAccountsApp, tokenFor, tokenRequest, type AccountsApp } from '../helpers/accounts.js';
import { pushAs } from './push-as.js';

const PW = 'password-1234';
const admin = { user: 'admin', password: ADMIN_PASSWORD };

describe('accounts: logins and refresh tokens', () => {
  let t: AccountsApp;
  before(async () => {
    t = await makeAccountsApp({ raw: { auth: { ratelimit: { attempts: 100, window: 60 } } } });
    await t.services.accounts.create('alice', PW);
    await t.services.projects.create('team', { owner: (await t.services.accounts.get('alice')).id });
  });
  after(() => t?.cleanup());

  const refreshGrant = (refresh: string) =>
    request(t.app)
      .post('/token')
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: refresh, service: 'berth-test', scope: 'repository:team/app:pull' });

  it('a user logs in like docker login does; the token says who and what kind', async () => {
    const res = await tokenRequest(
      t.app,
      [],
      { user: 'alice', password: PW },
      { offline_token: 'true', account: 'alice', client_id: 'docker' },
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(claimsOf(res.body.token).sub, 'alice');
    assert.equal(claimsOf(res.body.token).kind, 'user');
    assert.ok(res.body.refresh_token);
    const again = await refreshGrant(res.body.refresh_token);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.scope, 'repository:team/app:pull');
  });

  it('a wrong password and an unknown user get the same answer', async () => {
    const wrong = await tokenRequest(t.app, [], { user: 'alice', password: 'not-it-at-all' });
    const unknown = await tokenRequest(t.app, [], { user: 'mallory', password: 'not-it-at-all' });
    for (const res of [wrong, unknown]) {
      expectError(res, 401, 'UNAUTHORIZED');
      assert.equal(res.body.errors[0].message, 'incorrect username or password');
    }
  });

  it('disabling a user refuses its next login and its refresh token at once; enabling restores them', async () => {
    await t.services.accounts.create('dave', PW);
    const login = await tokenRequest(t.app, [], { user: 'dave', password: PW }, { offline_token: 'true' });
    await t.services.accounts.setDisabled('dave', true);
    const refused = await tokenRequest(t.app, [], { user: 'dave', password: PW });
    expectError(refused, 401, 'UNAUTHORIZED');
    assert.equal(refused.body.errors[0].message, 'account dave is disabled');
    const refreshRefused = await refreshGrant(login.body.refresh_token);
    expectError(refreshRefused, 401, 'UNAUTHORIZED');
    assert.match(refreshRefused.body.errors[0].message, /disabled/);
    // A disabled account is only named after the right password.
    const wrong = await tokenRequest(t.app, [], { user: 'dave', password: 'wrong-password' });
    assert.equal(wrong.body.errors[0].message, 'incorrect username or password');
    await t.services.accounts.setDisabled('dave', false);
    assert.equal((await refreshGrant(login.body.refresh_token)).status, 200);
  });

  it('a new password ends the refresh tokens issued with the old one', async () => {
    await t.services.accounts.create('erin', PW);
    const login = await tokenRequest(t.app, [], { user: 'erin', password: PW }, { offline_token: 'true' });
    await t.services.accounts.setPassword('erin', 'another-password');
    const res = await refreshGrant(login.body.refresh_token);
    expectError(res, 401, 'UNAUTHORIZED');
    assert.match(res.body.errors[0].message, /password of erin changed/);
    assert.equal((await tokenRequest(t.app, [], { user: 'erin', password: 'another-password' })).status, 200);
  });

  it('robots: login by secret, kind robot; refresh, disable and expiry end their tokens', async () => {
    const { robot, secret } = await t.services.robots.createForProject('team', 'ci', ['pull', 'push']);
    assert.equal(robot.name, 'robot+team+ci');
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!JSON.stringify(robot).includes(secret), 'the secret is not stored');
    const login = await tokenRequest(
      t.app,
      ['repository:team/app:pull,push'],
      { user: robot.name, password: secret },
      { offline_token: 'true' },
    );
    assert.equal(login.status, 200, login.text);
    assert.equal(claimsOf(login.body.token).kind, 'robot');
    assert.equal(login.body.scope, 'repository:team/app:pull,push');

    await t.services.robots.setDisabled(robot.name, true);
    const disabled = await tokenRequest(t.app, [], { user: robot.name, password: secret });
    assert.equal(disabled.body.errors[0].message, 'robot account robot+team+ci is disabled');
    assert.match((await refreshGrant(login.body.refresh_token)).body.errors[0].message, /disabled/);
    await t.services.robots.setDisabled(robot.name, false);

    const fresh = await t.services.robots.refresh(robot.name);
    expectError(await tokenRequest(t.app, [], { user: robot.name, password: secret }), 401, 'UNAUTHORIZED');
    assert.match((await refreshGrant(login.body.refresh_token)).body.errors[0].message, /secret of robot\+team\+ci was refreshed/);
    assert.equal((await tokenRequest(t.app, [], { user: robot.name, password: fresh.secret })).status, 200);

    const soon = await t.services.robots.createForProject('team', 'brief', ['pull'], { expiresAt: new Date(Date.now() + 300) });
    assert.equal((await tokenRequest(t.app, [], { user: soon.robot.name, password: soon.secret })).status, 200);
    await new Promise((r) => setTimeout(r, 400));
    const expired = await tokenRequest(t.app, [], { user: soon.robot.name, password: soon.secret });
    expectError(expired, 401, 'UNAUTHORIZED');
    assert.match(expired.body.errors[0].message, /robot account robot\+team\+brief expired at \d{4}-/);
  });

  it('failed logins still count against the per-address limit', async () => {
    const limited = await makeAccountsApp({ raw: { auth: { ratelimit: { attempts: 2, window: 60 } } } });
    try {
      for (let i = 0; i < 2; i++)
        expectError(await tokenRequest(limited.app, [], { user: 'admin', password: 'wrong-one' }), 401, 'UNAUTHORIZED');
      expectError(await tokenRequest(limited.app, [], admin), 429, 'TOOMANYREQUESTS');
    } finally {
      await limited.cleanup();
    }
  });
});

describe('accounts: projects through the registry', () => {
  let t: AccountsApp;
  before(async () => {
    t = await makeAccountsApp();
    const { accounts, projects, robots } = t.services;
    await accounts.create('alice', PW);
    await accounts.create('bob', PW);
    await projects.create('team', { owner: (await accounts.get('alice')).id });
    await projects.create('pub', { public: true });
    await projects.create('solo');
    await pushAs(t.app, admin, 'team/app', '1');
    await pushAs(t.app, admin, 'pub/tool', '1');
    await pushAs(t.app, admin, 'solo/x', '1');
    await pushAs(t.app, admin, 'busybox', '1');
    await robots.createForProject('solo', 'r', ['pull']);
  });
  after(() => t?.cleanup());

  it('a push into a project that does not exist is denied with a message that says so', async () => {
    const token = await tokenFor(t.app, ['repository:nope/app:pull,push'], { user: 'alice', password: PW });
    const res = await request(t.app).post('/v2/nope/app/blobs/uploads/').set('Authorization', bearer(token));
    expectError(res, 401, 'DENIED');
    assert.match(res.body.errors[0].message, /^project nope does not exist: create it first/);
    assert.equal(await t.services.stores.projects.byName('nope'), undefined, 'nothing was created');
  });

  it('one-component names belong to the library project', async () => {
    const member = await tokenFor(t.app, ['repository:busybox:pull'], admin);
    assert.equal(
      (await request(t.app).get('/v2/busybox/manifests/1').set('Authorization', bearer(member)).set('Accept', MT.ociManifest)).status,
      200,
    );
    const token = await tokenFor(t.app, ['repository:busybox:pull'], { user: 'bob', password: PW });
    const res = await request(t.app).get('/v2/busybox/manifests/1').set('Authorization', bearer(token));
    assert.match(res.body.errors[0].message, /not a member of project library/);
  });

  it('anonymous pull of a public project works; anonymous push does not', async () => {
    const pull = await tokenFor(t.app, ['repository:pub/tool:pull']);
    assert.equal(
      (await request(t.app).get('/v2/pub/tool/manifests/1').set('Authorization', bearer(pull)).set('Accept', MT.ociManifest)).status,
      200,
    );
    const push = await tokenFor(t.app, ['repository:pub/tool:pull,push']);
    const res = await request(t.app).post('/v2/pub/tool/blobs/uploads/').set('Authorization', bearer(push));
    expectError(res, 401, 'DENIED');
    assert.match(res.body.errors[0].message, /authentication required to push in project pub/);
  });

  it('the catalog lists only what the caller may pull', async () => {
    const catalog = async (creds?: { user: string; password: string }) => {
      const token = await tokenFor(t.app, ['registry:catalog:*'], creds);
      const res = await request(t.app).get('/v2/_catalog').set('Authorization', bearer(token));
      assert.equal(res.status, 200, res.text);
      return res.body.repositories as string[];
    };
    assert.deepEqual(await catalog(admin), ['busybox', 'pub/tool', 'solo/x', 'team/app']);
    assert.deepEqual(await catalog({ user: 'alice', password: PW }), ['pub/tool', 'team/app']);
    assert.deepEqual(await catalog({ user: 'bob', password: PW }), ['pub/tool'], 'a private project is invisible to a non-member');
    assert.deepEqual(await catalog(), ['pub/tool']);
    const robot = await t.services.robots.refresh('robot+solo+r');
    assert.deepEqual(await catalog({ user: 'robot+solo+r', password: robot.secret }), ['pub/tool', 'solo/x']);
    // Pagination counts what the caller sees.
    const token = await tokenFor(t.app, ['registry:catalog:*'], { user: 'alice', password: PW });
    const page = await request(t.app).get('/v2/_catalog?n=1').set('Authorization', bearer(token));
    assert.deepEqual(page.body.repositories, ['pub/tool']);
    assert.match(page.headers['link'] ?? '', /last=pub%2Ftool/);
  });

  it('blob HEAD and GET and manifest GET run no database query: the token carries the access', async () => {
    const token = await tokenFor(t.app, ['repository:team/app:pull'], { user: 'alice', password: PW });
    const manifest = await request(t.app).get('/v2/team/app/manifests/1').set('Authorization', bearer(token)).set('Accept', MT.ociManifest);
    const config = JSON.parse(manifest.text).config.digest as string;
    const before = t.queries.length;
    for (let i = 0; i < 3; i++) {
      assert.equal((await request(t.app).head(`/v2/team/app/blobs/${config}`).set('Authorization', bearer(token))).status, 200);
      assert.equal((await request(t.app).get(`/v2/team/app/blobs/${config}`).set('Authorization', bearer(token))).status, 200);
      assert.equal(
        (await request(t.app).get('/v2/team/app/manifests/1').set('Authorization', bearer(token)).set('Accept', MT.ociManifest)).status,
        200,
      );
    }
    assert.deepEqual(t.queries.slice(before), []);
    // ...while a token request does query: the policy is asked there.
    await tokenFor(t.app, ['repository:team/app:pull'], { user: 'alice', password: PW });
    assert.ok(t.queries.length > before);
  });
});

describe('accounts: projects.autocreate', () => {
  let t: AccountsApp;
  before(async () => {
    t = await makeAccountsApp({ raw: { projects: { autocreate: true } } });
    await t.services.accounts.create('carol', PW);
    const robot = await t.services.robots.createSystem('sys', [{ namespace: '*', actions: ['pull', 'push'] }]);
    (t as AccountsApp & { robotSecret?: string }).robotSecret = robot.secret;
  });
  after(() => t?.cleanup());

  it("a user's push creates the project, with the pusher as its Project Admin", async () => {
    await pushAs(t.app, { user: 'carol', password: PW }, 'fresh/app', '1');
    const project = await t.services.projects.get('fresh');
    assert.equal(project.public, false);
    assert.deepEqual(
      (await t.services.projects.members('fresh')).map((m) => [m.userName, m.role]),
      [['carol', 'project-admin']],
    );
  });

  it('a pull does not create a project, nor does a robot push', async () => {
    await tokenFor(t.app, ['repository:ghost/app:pull'], { user: 'carol', password: PW });
    assert.equal(await t.services.stores.projects.byName('ghost'), undefined);
    const secret = (t as AccountsApp & { robotSecret?: string }).robotSecret!;
    const token = await tokenFor(t.app, ['repository:robotmade/app:pull,push'], { user: 'robot+sys', password: secret });
    assert.deepEqual(claimsOf(token).access, []);
    assert.equal(await t.services.stores.projects.byName('robotmade'), undefined);
  });
});

describe('accounts: the token server announces logins and tokens', () => {
  it('login.succeeded, login.failed and token.issued reach the event bus with who and from where', async () => {
    const t = await makeAccountsApp();
    try {
      const seen: Array<{ type: string; data: unknown; actor?: string; kind?: string; address?: string }> = [];
      t.registry.events.onAny((e) =>
        seen.push({ type: e.type, data: e.data, actor: e.origin.actor, kind: e.origin.actorKind, address: e.origin.address }),
      );
      await t.services.projects.create('team');
      const { secret } = await t.services.robots.createForProject('team', 'ci', ['pull']);
      await tokenFor(t.app, ['repository:team/app:pull'], { user: 'robot+team+ci', password: secret });
      await tokenRequest(t.app, [], { user: 'admin', password: 'wrong-password' });
      assert.deepEqual(
        seen.map((e) => [e.type, e.actor, e.kind]),
        [
          ['login.succeeded', 'robot+team+ci', 'robot'],
          ['token.issued', 'robot+team+ci', 'robot'],
          ['login.failed', undefined, undefined],
        ],
      );
      assert.deepEqual(seen[1]!.data, { access: ['repository:team/app:pull'] });
      assert.deepEqual(seen[2]!.data, { grant: 'password', user: 'admin', reason: 'incorrect username or password' });
      assert.match(seen[2]!.address ?? '', /127\.0\.0\.1/);
    } finally {
      await t.cleanup();
    }
  });
});
