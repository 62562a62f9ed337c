/**
 * The account commands on a configured database (the same code as `berth user ...`, run in
 * this process with stdout captured): users, projects and roles, robots (the secret printed
 * once, never listed), refusals with exit code 1, and db migrate/backup.
 */
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { createServices } from '../../src/admin/setup.js';
import { dbCommand } from '../../src/cli/db.js';
import { projectCommand } from '../../src/cli/project.js';
import { parseExpiry, robotCommand } from '../../src/cli/robot.js';
import { userCommand } from '../../src/cli/user.js';
import { parseConfig } from '../../src/config/load.js';
import { openDatabase } from '../../src/db/database.js';
import { tempDir } from '../helpers/accounts.js';
import { runCommand as run } from '../helpers/cli.js';

describe('berth user, project, robot and db commands', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let file = '';
  const cfg = () => ['--config', file];
  const services = async <T>(fn: (s: Awaited<ReturnType<typeof createServices>>) => Promise<T>): Promise<T> => {
    const config = parseConfig({ storage: { filesystem: { rootdirectory: join(tmp.dir, 'data') } } });
    const db = await openDatabase(config);
    try {
      return await fn(await createServices(db, config));
    } finally {
      await db.close();
    }
  };

  before(async () => {
    tmp = await tempDir('berth-cli-');
    file = join(tmp.dir, 'berth.yml');
    await writeFile(file, `storage:\n  filesystem:\n    rootdirectory: ${JSON.stringify(join(tmp.dir, 'data'))}\n`);
  });
  after(() => tmp.remove());

  it('user add prints a generated password once; the database keeps a bcrypt hash that accepts it', async () => {
    const r = await run(userCommand, 'add', 'alice', '--admin', ...cfg());
    assert.equal(r.code, 0, r.err);
    const password = /^alice: password (\S+)$/m.exec(r.out)![1]!;
    const auth = await services((s) => s.credentials.authenticate('alice', password));
    assert.ok(auth.ok && auth.principal.kind === 'user' && auth.principal.admin);
    const list = JSON.parse((await run(userCommand, 'list', '--json', ...cfg())).out) as Array<{ name: string; admin: boolean }>;
    assert.deepEqual(
      list.map((u) => [u.name, u.admin]),
      [['alice', true]],
    );
    assert.ok(!(await run(userCommand, 'list', ...cfg())).out.includes(password));
  });

  it('refusals are one line and exit code 1: bad names, taken names, the last administrator', async () => {
    for (const [args, message] of [
      [['add', 'Bad Name'], /invalid user name "Bad Name"/],
      [['add', 'alice'], /user alice exists already/],
      [['disable', 'alice'], /alice is the last active administrator/],
      [['admin', 'alice', '--revoke'], /last active administrator/],
      [['passwd', 'nobody'], /no user named nobody/],
    ] as const) {
      const r = await run(userCommand, ...args, ...cfg());
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}`);
      assert.match(r.err, message);
      assert.equal(r.err.trim().split('\n').length, 1);
    }
  });

  it('projects and members', async () => {
    assert.equal((await run(userCommand, 'add', 'bob', ...cfg())).code, 0);
    assert.equal((await run(projectCommand, 'add', 'team', '--owner', 'alice', ...cfg())).code, 0);
    assert.match((await run(projectCommand, 'member', 'team', 'bob', 'Guest', ...cfg())).out, /team: bob is Guest/);
    const members = JSON.parse((await run(projectCommand, 'members', 'team', '--json', ...cfg())).out);
    assert.deepEqual(members, [
      { user: 'alice', role: 'project-admin' },
      { user: 'bob', role: 'guest' },
    ]);
    assert.equal((await run(projectCommand, 'public', 'team', ...cfg())).code, 0);
    assert.deepEqual(JSON.parse((await run(projectCommand, 'list', '--json', ...cfg())).out)[0].public, true);
    const bad = await run(projectCommand, 'member', 'team', 'bob', 'owner', ...cfg());
    assert.equal(bad.code, 1);
    assert.match(bad.err, /unknown role "owner"/);
    assert.match((await run(projectCommand, 'member', 'team', 'bob', 'none', ...cfg())).out, /no longer a member/);
  });

  it('robots: the secret is printed at creation and refresh only; disable and remove', async () => {
    const made = await run(robotCommand, 'add', 'ci', '--project', 'team', '--permission', 'push', '--expires', '30d', ...cfg());
    assert.equal(made.code, 0, made.err);
    assert.match(made.out, /^name: +robot\+team\+ci$/m);
    const secret = /^secret: (\S+)$/m.exec(made.out)![1]!;
    const listed = await run(robotCommand, 'list', '--project', 'team', '--json', ...cfg());
    assert.ok(!listed.out.includes(secret));
    const robots = JSON.parse(listed.out) as Array<{ name: string; permissions: string; expires: string }>;
    assert.equal(robots[0]!.permissions, 'team=pull,push', 'push brings pull');
    assert.ok(Math.abs(Date.parse(robots[0]!.expires) - Date.now() - 30 * 86_400_000) < 60_000);
    assert.ok((await services((s) => s.credentials.authenticate('robot+team+ci', secret))).ok);
    const fresh = /^secret: (\S+)$/m.exec((await run(robotCommand, 'refresh', 'robot+team+ci', ...cfg())).out)![1]!;
    assert.notEqual(fresh, secret);
    assert.equal((await services((s) => s.credentials.authenticate('robot+team+ci', secret))).ok, false);
    assert.equal((await run(robotCommand, 'disable', 'robot+team+ci', ...cfg())).code, 0);
    const refused = await services((s) => s.credentials.authenticate('robot+team+ci', fresh));
    assert.ok(!refused.ok && refused.reason === 'disabled');
    const sys = await run(robotCommand, 'add', 'reader', '--system', '--permission', '*=pull', '--permission', 'team=push', ...cfg());
    assert.match(sys.out, /name: +robot\+reader/);
    const noScope = await run(robotCommand, 'add', 'x', '--permission', 'pull', ...cfg()).catch((e: Error) => ({
      code: 2,
      out: '',
      err: e.message,
    }));
    assert.match(noScope.err, /--project PROJECT or --system/);
    assert.equal((await run(robotCommand, 'remove', 'robot+reader', ...cfg())).code, 0);
  });

  it('--expires takes durations, dates and never; past or malformed ones are refused', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    assert.equal(parseExpiry('12h', now)?.toISOString(), '2030-01-01T12:00:00.000Z');
    assert.equal(parseExpiry('3600', now)?.toISOString(), '2030-01-01T01:00:00.000Z');
    assert.equal(parseExpiry('2031-02-03', now)?.toISOString(), '2031-02-03T00:00:00.000Z');
    assert.equal(parseExpiry('never', now), null);
    assert.throws(() => parseExpiry('soon', now), /invalid expiry "soon"/);
  });

  it('db migrate says it is up to date; db backup writes a copy holding the users', async () => {
    assert.match((await run(dbCommand, 'migrate', ...cfg())).out, /up to date/);
    const copy = join(tmp.dir, 'backup.db');
    assert.equal((await run(dbCommand, 'backup', copy, ...cfg())).code, 0);
    assert.equal((await stat(copy)).mode & 0o777, 0o600);
    const db = new BetterSqlite3(copy, { readonly: true });
    try {
      const names = (db.prepare('select name from users order by name').all() as Array<{ name: string }>).map((r) => r.name);
      assert.deepEqual(names, ['alice', 'bob']);
    } finally {
      db.close();
    }
  });
});
