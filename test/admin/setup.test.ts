/**
 * Starting with accounts: the first administrator (from BERTH_ADMIN_PASSWORD, or generated and
 * logged once, stored hashed), projects for the repositories already in storage, the signing
 * key generated once and shared by every process on the database, the warning of an open
 * registry, the config switches, and the whole path on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createManagement } from '../../src/admin/setup.js';
import { parseConfig } from '../../src/config/load.js';
import { openDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/log.js';
import { createRegistry, registryOptions } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';
import { makeApp } from '../helpers/app.js';
import { bearer, claimsOf } from '../helpers/auth.js';
import { pushImage } from '../helpers/oci.js';
import { makePgDatabase, type TestPgDatabase } from '../helpers/postgres.js';
import { ADMIN_PASSWORD, makeAccountsApp, tempDir, tokenFor, tokenRequest } from '../helpers/accounts.js';
import { pushAs } from './push-as.js';

const logged = (logs: string[], msg: RegExp) =>
  logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => msg.test(String(l['msg'])));

describe('first start with accounts', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => (tmp = await tempDir('berth-setup-')));
  after(() => tmp.remove());

  it('the first administrator comes from BERTH_ADMIN_PASSWORD; the password is not logged', async () => {
    const t = await makeAccountsApp({ adminPassword: 'from-the-environment' });
    try {
      assert.equal((await tokenRequest(t.app, [], { user: 'admin', password: 'from-the-environment' })).status, 200);
      assert.equal(logged(t.logs, /first administrator created from BERTH_ADMIN_PASSWORD/).length, 1);
      assert.ok(!t.logs.join('').includes('from-the-environment'));
    } finally {
      await t.cleanup();
    }
  });

  it('without it, a generated password is logged once and only its bcrypt hash is stored', async () => {
    const db = join(tmp.dir, 'generated.db');
    const first = await makeAccountsApp({ adminPassword: null, database: { sqlite: db } });
    const lines = logged(first.logs, /first administrator created/);
    assert.equal(lines.length, 1);
    const password = String(lines[0]!['password']);
    assert.match(password, /^[A-Za-z0-9_-]{20}$/);
    assert.equal((await tokenRequest(first.app, [], { user: 'admin', password })).status, 200);
    const stored = (await first.services.stores.users.byName('admin'))!;
    assert.match(stored.passwordHash, /^\$2[aby]\$/);
    await first.cleanup();
    assert.ok(!(await readFile(db)).includes(password), 'the clear password is nowhere in the database file');
    assert.equal((await stat(db)).mode & 0o777, 0o600, 'hashes and the signing key: readable by the owner only');
    const second = await makeAccountsApp({ adminPassword: null, database: { sqlite: db } });
    assert.equal(logged(second.logs, /first administrator/).length, 0, 'a later start creates no second one');
    await second.cleanup();
  });

  it('a registry that holds repositories gets a project per top-level name, owned by the administrator, once', async () => {
    const root = join(tmp.dir, 'existing');
    const open = await makeApp('fs', { storage: { filesystem: { rootdirectory: root } } });
    for (const name of ['team/app', 'team/tools/x', 'busybox', 'other/y']) await pushImage(open.app, name, { ref: '1', seed: name });
    const db = join(tmp.dir, 'existing.db');
    const t = await makeAccountsApp({ root, database: { sqlite: db } });
    assert.deepEqual(
      (await t.services.stores.projects.list()).map((p) => [p.name, p.public]),
      [
        ['library', false],
        ['other', false],
        ['team', false],
      ],
    );
    assert.deepEqual(
      (await t.services.projects.members('team')).map((m) => [m.userName, m.role]),
      [['admin', 'project-admin']],
    );
    await t.services.projects.remove('other');
    await t.cleanup();
    const again = await makeAccountsApp({ root, database: { sqlite: db } });
    assert.equal(await again.services.stores.projects.byName('other'), undefined, 'a removed project does not come back');
    await again.cleanup();
  });

  it('the signing key is generated once and shared: a token from one process verifies in another', async () => {
    const db = join(tmp.dir, 'key.db');
    const a = await makeAccountsApp({ database: { sqlite: db } });
    const b = await makeAccountsApp({ database: { sqlite: db } });
    try {
      const jwksA = (await request(a.app).get('/token/jwks.json')).body;
      const jwksB = (await request(b.app).get('/token/jwks.json')).body;
      assert.equal(jwksA.keys[0].alg, 'ES256');
      assert.deepEqual(jwksA, jwksB);
      await a.services.projects.create('team');
      const token = await tokenFor(a.app, ['registry:catalog:*'], { user: 'admin', password: ADMIN_PASSWORD });
      assert.equal((await request(b.app).get('/v2/_catalog').set('Authorization', bearer(token))).status, 200);
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });

  it('an open registry says so in one warning line; one with accounts does not', async () => {
    const run = async (raw: Record<string, unknown>) => {
      const logs: string[] = [];
      const config = parseConfig({ storage: { inmemory: {} }, ...raw });
      const m = await createManagement({
        config,
        log: createLogger('debug', (l) => logs.push(l)),
        registry: createRegistry(createDriver(config.storage), registryOptions(config)),
        env: { BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD },
        bcryptCost: 4,
      });
      await m.close();
      return logged(logs, /authentication is off/).length;
    };
    assert.equal(await run({}), 1);
    assert.equal(await run({ auth: { accounts: true } }), 0);
  });
});

describe('accounts configuration', () => {
  it('auth.accounts: true and BERTH_AUTH_ACCOUNTS=true turn on the token server with accounts', () => {
    for (const c of [parseConfig({ auth: { accounts: true } }), parseConfig({}, { BERTH_AUTH_ACCOUNTS: 'true' })]) {
      assert.equal(c.auth.token?.server?.accounts, true);
      assert.equal(c.auth.token?.server?.key, undefined);
      assert.equal(c.auth.token?.service, 'berth');
      assert.equal(c.auth.token?.server?.expiration, 300);
    }
    const kept = parseConfig({ auth: { accounts: true, token: { service: 'reg', server: { expiration: 600 } } } });
    assert.equal(kept.auth.token?.service, 'reg');
    assert.equal(kept.auth.token?.server?.expiration, 600);
    assert.equal(parseConfig({ auth: { accounts: false } }).auth.token, undefined);
  });

  it('accounts with htpasswd, a bad postgres URL and an unknown database key are refused with their names', () => {
    assert.throws(() => parseConfig({ auth: { accounts: true, htpasswd: { path: '/x' } } }), /only one auth mode/);
    assert.throws(
      () => parseConfig({ database: { postgres: { url: 'mysql://x' } } }),
      /database\.postgres\.url: must be a postgres:\/\/ URL/,
    );
    assert.throws(() => parseConfig({ database: { mysql: {} } }), /database\.mysql: unknown key/);
    assert.throws(() => parseConfig({ auth: { accounts: 'yes' } }), /auth\.accounts/);
  });

  it('BERTH_ADMIN_PASSWORD is not read as a configuration key', () => {
    assert.doesNotThrow(() => parseConfig({}, { BERTH_ADMIN_PASSWORD: 'secret-password' }));
  });

  it('config-file users and rules keep working beside the accounts', async () => {
    const bcrypt = (await import('bcryptjs')).default;
    const t = await makeAccountsApp({
      raw: {
        auth: {
          token: {
            server: {
              users: { ops: { password: bcrypt.hashSync('ops-password', 4), groups: ['ops'] } },
              rules: [{ repositories: ['infra/**'], groups: ['ops'], actions: ['pull', 'push'] }],
            },
          },
        },
      },
    });
    try {
      await t.services.projects.create('infra');
      const token = await tokenFor(t.app, ['repository:infra/x:pull,push'], { user: 'ops', password: 'ops-password' });
      assert.deepEqual(claimsOf(token).access, [{ type: 'repository', name: 'infra/x', actions: ['pull', 'push'] }]);
      await pushAs(t.app, { user: 'ops', password: 'ops-password' }, 'infra/x', '1');
      const catalog = await tokenFor(t.app, ['registry:catalog:*'], { user: 'ops', password: 'ops-password' });
      assert.deepEqual((await request(t.app).get('/v2/_catalog').set('Authorization', bearer(catalog))).body.repositories, ['infra/x']);
    } finally {
      await t.cleanup();
    }
  });
});

describe('accounts on PostgreSQL', () => {
  let pg: TestPgDatabase;
  before(async () => (pg = await makePgDatabase()));
  after(() => pg?.drop());

  it('login, push by a member, the filtered catalog and a denial, with the database on PostgreSQL', async () => {
    const t = await makeAccountsApp({ database: { postgres: pg.url } });
    try {
      assert.equal(t.services.database.dialect, 'postgres');
      await t.services.accounts.create('alice', 'password-1234');
      await t.services.accounts.create('bob', 'password-1234');
      await t.services.projects.create('team', { owner: (await t.services.accounts.get('alice')).id });
      await pushAs(t.app, { user: 'alice', password: 'password-1234' }, 'team/app', '1');
      const bob = await tokenFor(t.app, ['registry:catalog:*', 'repository:team/app:pull'], { user: 'bob', password: 'password-1234' });
      assert.deepEqual((await request(t.app).get('/v2/_catalog').set('Authorization', bearer(bob))).body.repositories, []);
      const res = await request(t.app).get('/v2/team/app/manifests/1').set('Authorization', bearer(bob));
      assert.match(res.body.errors[0].message, /user bob is not a member of project team/);
    } finally {
      await t.cleanup();
    }
  });

  it('a second process on the same database finds the same key and administrator', async () => {
    const config = parseConfig({ storage: { inmemory: {} }, auth: { accounts: true }, database: { postgres: { url: pg.url } } });
    const db = await openDatabase(config);
    try {
      const admin = await db.kysely.selectFrom('users').select('name').where('is_admin', '=', 1).execute();
      assert.deepEqual(
        admin.map((a) => a.name),
        ['admin'],
      );
      assert.ok(await db.kysely.selectFrom('settings').select('value').where('key', '=', 'token.signingkey').executeTakeFirst());
    } finally {
      await db.close();
    }
  });
});
