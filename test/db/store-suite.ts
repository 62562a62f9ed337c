/**
 * One store suite, run against every engine (as the driver suite runs against every storage
 * driver): migrations, each store's contract, unique names, cascades, transactions, backups.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Config } from '../../src/config/schema.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { AlreadyExistsError } from '../../src/db/errors.js';
import { migrate, MigrationError } from '../../src/db/migrate.js';
import { createStores, type Stores } from '../../src/db/stores.js';
import { indexAuditSuite } from './index-audit-suite.js';

/** A database for the suite: its config, how to check a backup file, and cleanup. */
export interface StoreTarget {
  config: Pick<Config, 'database' | 'storage'>;
  /** Count the users in a backup file written by db.backup(). */
  usersInBackup(file: string): Promise<number>;
  /** A scratch file path for backups. */
  scratch(name: string): string;
  cleanup(): Promise<void>;
}

/** Register the suite for one engine; `make` gives a fresh, empty database each call. */
export function storeSuite(label: string, make: () => Promise<StoreTarget>): void {
  describe(`stores on ${label}`, () => {
    let target: StoreTarget;
    let db: Database;
    let s: Stores;
    const uniq = (p: string) => `${p}-${randomBytes(4).toString('hex')}`;

    before(async () => {
      target = await make();
      db = await openDatabase(target.config);
      s = createStores(db);
    });
    after(async () => {
      await db?.close();
      await target?.cleanup();
    });

    it('migrations run once; a second run applies nothing', async () => {
      assert.deepEqual(await migrate(db), []);
      const rows = await sql<{ name: string }>`select name from berth_migrations order by name`.execute(db.kysely);
      assert.deepEqual(
        rows.rows.map((r) => r.name),
        ['0001-accounts', '0002-index-audit', '0003-sessions'],
      );
    });

    it('a database migrated by a newer Berth is refused', async () => {
      const t = await make();
      const other = await openDatabase(t.config);
      try {
        await sql`insert into berth_migrations (name, timestamp) values ('9999-future', '2030-01-01T00:00:00Z')`.execute(other.kysely);
        await assert.rejects(
          migrate(other),
          (err: unknown) => err instanceof MigrationError && /9999-future|corrupted|missing/i.test(String(err)),
        );
      } finally {
        await other.close();
        await t.cleanup();
      }
    });

    it('users: create, find, list in order, filter literally, update, count admins, remove', async () => {
      const a = await s.users.create({ name: 'us_er.a', passwordHash: 'h1', admin: true });
      const b = await s.users.create({ name: 'usxer-b', passwordHash: 'h2' });
      assert.equal(a.admin, true);
      assert.equal(b.admin, false);
      assert.equal(b.disabled, false);
      assert.ok(a.createdAt instanceof Date && Math.abs(a.createdAt.getTime() - Date.now()) < 60_000);
      assert.deepEqual(await s.users.byName('us_er.a'), a);
      assert.deepEqual(await s.users.byId(b.id), b);
      assert.equal(await s.users.byName('nobody'), undefined);
      await assert.rejects(s.users.create({ name: 'us_er.a', passwordHash: 'x' }), AlreadyExistsError);
      // "_" is a literal in the filter, not LIKE's one-character wildcard.
      assert.deepEqual(
        (await s.users.list({ query: 'us_er' })).map((u) => u.name),
        ['us_er.a'],
      );
      assert.equal(await s.users.count({ query: 'us' }), 2);
      assert.deepEqual(
        (await s.users.list({ offset: 1, limit: 1, query: 'us' })).map((u) => u.name),
        ['usxer-b'],
      );
      assert.equal(await s.users.countActiveAdmins(), 1);
      const changed = await s.users.update(a.id, { disabled: true, passwordHash: 'h3' });
      assert.equal(changed?.disabled, true);
      assert.equal(changed?.passwordHash, 'h3');
      assert.equal(changed?.admin, true, 'untouched fields stay');
      assert.equal(await s.users.countActiveAdmins(), 0, 'a disabled admin is not active');
      assert.equal(await s.users.update(999_999, { admin: true }), undefined);
      assert.equal(await s.users.remove(b.id), true);
      assert.equal(await s.users.remove(b.id), false);
      await s.users.remove(a.id);
    });

    it('projects: unique names, createMissing only adds new ones, visibility by membership, roles', async () => {
      const owner = await s.users.create({ name: uniq('owner'), passwordHash: 'h' });
      const other = await s.users.create({ name: uniq('other'), passwordHash: 'h' });
      const priv = await s.projects.create({ name: uniq('priv') });
      const pub = await s.projects.create({ name: uniq('pub'), public: true });
      assert.equal(priv.public, false);
      assert.equal(pub.public, true);
      await assert.rejects(s.projects.create({ name: priv.name }), AlreadyExistsError);
      const fresh = uniq('fresh');
      assert.deepEqual(await s.projects.createMissing([priv.name, fresh]), [fresh]);
      assert.deepEqual(await s.projects.createMissing([priv.name, fresh]), []);

      await s.projects.setMember(priv.id, owner.id, 'developer');
      await s.projects.setMember(priv.id, owner.id, 'project-admin');
      assert.deepEqual(
        (await s.projects.members(priv.id)).map((m) => [m.userName, m.role]),
        [[owner.name, 'project-admin']],
      );
      assert.equal((await s.projects.roleIn(priv.name, owner.id)).role, 'project-admin');
      assert.equal((await s.projects.roleIn(priv.name, other.id)).role, undefined);
      assert.equal((await s.projects.roleIn(priv.name, other.id)).project?.name, priv.name);
      assert.deepEqual(await s.projects.roleIn('no-such-project', owner.id), {});
      assert.deepEqual(
        (await s.projects.membershipsOf(owner.id)).map((m) => m.project.name),
        [priv.name],
      );

      const seen = async (userId: number) => (await s.projects.list({ visibleTo: userId })).map((p) => p.name);
      assert.ok((await seen(owner.id)).includes(priv.name));
      assert.ok((await seen(owner.id)).includes(pub.name));
      assert.ok(!(await seen(other.id)).includes(priv.name), 'a private project is invisible to a non-member');
      assert.ok((await seen(other.id)).includes(pub.name));
      assert.equal(await s.projects.count({ visibleTo: other.id, query: priv.name }), 0);
      assert.ok((await s.projects.publicNames()).includes(pub.name));
      assert.equal((await s.projects.setPublic(priv.id, true))?.public, true);
      assert.ok((await seen(other.id)).includes(priv.name));
      assert.equal(await s.projects.removeMember(priv.id, owner.id), true);
      assert.equal(await s.projects.removeMember(priv.id, owner.id), false);
    });

    it('removing a user or a project takes its memberships, robots and robot permissions along', async () => {
      const user = await s.users.create({ name: uniq('gone'), passwordHash: 'h' });
      const p = await s.projects.create({ name: uniq('doomed') });
      const keep = await s.projects.create({ name: uniq('kept') });
      await s.projects.setMember(p.id, user.id, 'guest');
      await s.projects.setMember(keep.id, user.id, 'guest');
      const own = await s.robots.create({
        name: uniq('robot+x'),
        projectId: p.id,
        secretHash: 'h',
        expiresAt: null,
        permissions: [{ namespace: p.name, actions: ['pull'] }],
      });
      const sys = await s.robots.create({
        name: uniq('robot+sys'),
        projectId: null,
        secretHash: 'h',
        expiresAt: null,
        permissions: [
          { namespace: p.name, actions: ['pull'] },
          { namespace: keep.name, actions: ['pull', 'push'] },
        ],
      });
      assert.equal(await s.projects.remove(p.id), true);
      assert.equal(await s.projects.byName(p.name), undefined);
      assert.equal(await s.robots.byId(own.id), undefined, 'the project robot went with its project');
      assert.deepEqual((await s.robots.byId(sys.id))?.permissions, [{ namespace: keep.name, actions: ['pull', 'push'] }]);
      assert.equal(await s.users.remove(user.id), true);
      assert.deepEqual(await s.projects.members(keep.id), []);
    });

    it('robots: permissions, expiry, disabled, secret, listing by project or system', async () => {
      const p = await s.projects.create({ name: uniq('rp') });
      const expires = new Date(Date.now() + 3_600_000);
      const r = await s.robots.create({
        name: uniq('robot+rp+ci'),
        projectId: p.id,
        description: 'CI',
        secretHash: 'hmac-1',
        expiresAt: expires,
        permissions: [{ namespace: p.name, actions: ['pull', 'push'] }],
      });
      assert.equal(r.expiresAt?.getTime(), expires.getTime());
      assert.equal(r.description, 'CI');
      assert.deepEqual(r.permissions, [{ namespace: p.name, actions: ['pull', 'push'] }]);
      assert.deepEqual(await s.robots.byName(r.name), r);
      await assert.rejects(s.robots.create({ ...r, permissions: [], secretHash: 'x' }), AlreadyExistsError);
      const u = await s.robots.update(r.id, {
        secretHash: 'hmac-2',
        disabled: true,
        expiresAt: null,
        permissions: [{ namespace: p.name, actions: ['pull'] }],
      });
      assert.equal(u?.secretHash, 'hmac-2');
      assert.equal(u?.disabled, true);
      assert.equal(u?.expiresAt, null);
      assert.deepEqual(u?.permissions, [{ namespace: p.name, actions: ['pull'] }]);
      assert.equal(u?.description, 'CI');
      const sys = await s.robots.create({
        name: uniq('robot+all'),
        projectId: null,
        secretHash: 'h',
        expiresAt: null,
        permissions: [{ namespace: '*', actions: ['pull'] }],
      });
      assert.deepEqual(
        (await s.robots.list(p.id)).map((x) => x.name),
        [r.name],
      );
      assert.ok((await s.robots.list(null)).some((x) => x.name === sys.name));
      assert.ok(!(await s.robots.list(null)).some((x) => x.name === r.name));
      assert.ok((await s.robots.list()).length >= 2);
      assert.equal(await s.robots.update(999_999, { disabled: true }), undefined);
      assert.equal(await s.robots.remove(sys.id), true);
    });

    it('settings: set, get, and setIfAbsent agreeing under concurrent proposals', async () => {
      const key = uniq('k');
      assert.equal(await s.settings.get(key), undefined);
      const proposals = await Promise.all(Array.from({ length: 8 }, (_, i) => s.settings.setIfAbsent(key, `v${i}`)));
      assert.equal(new Set(proposals).size, 1, `all agree: ${proposals.join(',')}`);
      assert.equal(await s.settings.get(key), proposals[0]);
      await s.settings.set(key, 'changed');
      assert.equal(await s.settings.setIfAbsent(key, 'ignored'), 'changed');
    });

    it("sessions: create, find by hash, expire, remove one, remove a user's but one, cascade with the user", async () => {
      const user = await s.users.create({ name: uniq('sess'), passwordHash: 'h' });
      const now = new Date();
      const make = (id: string, expiresIn: number) => ({
        idHash: id,
        userId: user.id,
        csrfToken: `csrf-${id}`,
        createdAt: now,
        expiresAt: new Date(now.getTime() + expiresIn),
      });
      const [a, b, c, old] = [uniq('a'), uniq('b'), uniq('c'), uniq('old')];
      for (const [id, ttl] of [
        [a, 60_000],
        [b, 60_000],
        [c, 60_000],
        [old, -1000],
      ] as const)
        await s.sessions.create(make(id, ttl));
      const found = await s.sessions.byHash(a);
      assert.equal(found?.userId, user.id);
      assert.equal(found?.csrfToken, `csrf-${a}`);
      assert.equal(found?.expiresAt.getTime(), now.getTime() + 60_000);
      assert.equal(await s.sessions.byHash(uniq('none')), undefined);
      assert.ok((await s.sessions.removeExpired(now)) >= 1);
      assert.equal(await s.sessions.byHash(old), undefined);
      assert.equal(await s.sessions.remove(b), true);
      assert.equal(await s.sessions.remove(b), false);
      assert.equal(await s.sessions.removeForUser(user.id, a), 1);
      assert.equal(await s.sessions.byHash(c), undefined);
      assert.ok(await s.sessions.byHash(a));
      await s.users.remove(user.id);
      assert.equal(await s.sessions.byHash(a), undefined, 'a removed user takes its sessions along');
    });

    it('a transaction that throws leaves nothing behind', async () => {
      const name = uniq('rolled');
      await assert.rejects(
        s.transaction(async (tx) => {
          await tx.users.create({ name, passwordHash: 'h' });
          await tx.projects.create({ name });
          throw new Error('abort');
        }),
        /abort/,
      );
      assert.equal(await s.users.byName(name), undefined);
      assert.equal(await s.projects.byName(name), undefined);
    });

    it('backup writes a consistent copy that holds the rows', async () => {
      const before = await s.users.count();
      await s.users.create({ name: uniq('backed'), passwordHash: 'h' });
      const file = target.scratch('backup.bin');
      await db.backup(file);
      assert.equal(await target.usersInBackup(file), before + 1);
    });

    indexAuditSuite(() => s);
  });
}
