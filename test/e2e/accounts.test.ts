/**
 * Accounts with real clients over HTTPS: Berth with `auth.accounts: true` and the development
 * CA; users, projects, roles and robots made with the berth CLI while the server runs on the
 * same database; docker login as a user and as a robot, push and pull; a disabled and an
 * expired robot refused at their next login; a Guest pulls but cannot push; anonymous pull of
 * a public project; a private project invisible to a non-member in /v2/_catalog.
 */
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { ADMIN_PW, AccountsBerth } from './accounts-fixture.js';
import { BASE_IMAGE, DOCKER_BIN, DOCKER_HOST, sh, shFails, withLogs } from './helpers.js';
import { dockerConfigDir, dockerIn } from './tls-helpers.js';

/** GET an https URL trusting `ca`; status and parsed JSON body. */
function getJson(url: string, ca: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('accounts with real clients over HTTPS', { timeout: 900_000 }, () => {
  let f: AccountsBerth;
  const cli = (...args: string[]) => f.cli(...args);
  const addRobot = (...args: string[]) => f.addRobot(...args);
  const ref = (repoTag: string) => f.ref(repoTag);
  const tag = async (target: string) => {
    f.images.push(target);
    await sh(DOCKER_BIN, ['tag', BASE_IMAGE, target], { env: { ...process.env, DOCKER_HOST } });
  };
  const login = (who: string, user: string, password: string) => f.login(who, user, password);
  const as = (who: string, ...args: string[]) => f.as(who, ...args);

  before(
    async () => {
      f = await AccountsBerth.start('accounts-e2e', { BERTH_LOG_LEVEL: 'debug' });
      await f.addUser('dev');
      await f.addUser('gu');
      await f.addUser('outsider');
      await cli('project', 'add', 'team', '--owner', 'dev');
      await cli('project', 'member', 'team', 'gu', 'guest');
      await cli('project', 'add', 'pub', '--public');
    },
    { timeout: 300_000 },
  );

  after(() => f?.stop(), { timeout: 60_000 });

  it('docker login as a user, push and pull', async () => {
    await withLogs([f.berth], async () => {
      assert.match((await login('dev', 'dev', f.passwords['dev']!)).stdout, /Login Succeeded/);
      await tag(ref('team/app:1'));
      assert.match((await as('dev', 'push', ref('team/app:1'))).stdout, /1: digest: sha256:[0-9a-f]{64}/);
      await as('dev', 'rmi', ref('team/app:1'));
      assert.match((await as('dev', 'pull', ref('team/app:1'))).stdout, /Downloaded newer image|Image is up to date/);
    });
  });

  it('docker login as a robot, push and pull', async () => {
    await withLogs([f.berth], async () => {
      const robot = await addRobot('ci', '--project', 'team', '--permission', 'pull,push');
      assert.equal(robot.name, 'robot+team+ci');
      assert.match((await login('robot', robot.name, robot.secret)).stdout, /Login Succeeded/);
      await tag(ref('team/app:robot'));
      assert.match((await as('robot', 'push', ref('team/app:robot'))).stdout, /robot: digest: sha256:/);
      await as('robot', 'rmi', ref('team/app:robot'));
      await as('robot', 'pull', ref('team/app:robot'));
    });
  });

  it('a disabled robot, and an expired one, are refused at their next login', async () => {
    await withLogs([f.berth], async () => {
      const robot = await addRobot('soon-off', '--project', 'team', '--permission', 'pull');
      assert.match((await login('off', robot.name, robot.secret)).stdout, /Login Succeeded/);
      await cli('robot', 'disable', robot.name);
      const disabled = await shFails(login('off2', robot.name, robot.secret));
      assert.match(disabled.stderr, /robot account robot\+team\+soon-off is disabled/);
      // Its stored login (docker's identity token) stops working too.
      const pull = await shFails(as('off', 'pull', ref('team/app:1')));
      assert.match(pull.stderr, /disabled|denied|unauthorized/);

      // Long enough for the first login on a loaded machine; then wait until it has passed.
      const brief = await addRobot('brief', '--project', 'team', '--permission', 'pull', '--expires', '30s');
      assert.match((await login('brief', brief.name, brief.secret)).stdout, /Login Succeeded/);
      const listed = JSON.parse(await cli('robot', 'list', '--project', 'team', '--json')) as Array<{ name: string; expires: string }>;
      const expires = Date.parse(listed.find((r) => r.name === brief.name)!.expires);
      await new Promise((r) => setTimeout(r, Math.max(0, expires - Date.now()) + 1000));
      const expired = await shFails(login('brief2', brief.name, brief.secret));
      assert.match(expired.stderr, /robot account robot\+team\+brief expired at/);
    });
  });

  it('a Guest can pull and not push, and docker says why', async () => {
    await withLogs([f.berth], async () => {
      await login('gu', 'gu', f.passwords['gu']!);
      assert.match((await as('gu', 'pull', ref('team/app:1'))).stdout, /Image is up to date|Downloaded newer image/);
      await tag(ref('team/app:guest'));
      const err = await shFails(as('gu', 'push', ref('team/app:guest')));
      assert.match(err.stderr + err.stdout, /denied: user gu is Guest in project team: a Guest may not push/);
    });
  });

  it('anonymous pull of a public project; no anonymous pull of a private one', async () => {
    await withLogs([f.berth], async () => {
      await login('admin', 'admin', ADMIN_PW);
      await tag(ref('pub/tool:1'));
      await as('admin', 'push', ref('pub/tool:1'));
      await as('admin', 'rmi', ref('pub/tool:1'));
      const anon = await dockerConfigDir(f.work, 'anonymous');
      assert.match((await dockerIn(anon, 'pull', ref('pub/tool:1'))).stdout, /Downloaded newer image|Image is up to date/);
      const err = await shFails(dockerIn(anon, 'pull', ref('team/app:1')));
      assert.match(err.stderr, /denied|unauthorized|authentication required/i);
    });
  });

  it('a private project is invisible to a non-member in /v2/_catalog', async () => {
    await withLogs([f.berth], async () => {
      const catalog = async (user?: string, password?: string) => {
        const headers: Record<string, string> = user
          ? { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }
          : {};
        const token = await getJson(`${f.berth.url}/token?service=berth&scope=registry:catalog:*`, f.ca, headers);
        assert.equal(token.status, 200, JSON.stringify(token.body));
        const res = await getJson(`${f.berth.url}/v2/_catalog`, f.ca, { Authorization: `Bearer ${token.body.token}` });
        assert.equal(res.status, 200);
        return res.body.repositories as string[];
      };
      assert.deepEqual(await catalog('outsider', f.passwords['outsider']), ['pub/tool']);
      assert.deepEqual(await catalog('dev', f.passwords['dev']), ['pub/tool', 'team/app']);
      assert.deepEqual(await catalog(), ['pub/tool']);
    });
  });
});
