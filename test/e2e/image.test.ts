/**
 * The Docker image, built and run: its base image is made locally (test/e2e/node-base.sh, no
 * internet), `docker build` runs the repository's Dockerfile, and the container is used as a
 * registry by docker (host networking: the private dockerd has no bridge). It runs as a
 * non-root user, its HEALTHCHECK reports healthy with htpasswd auth on, it refuses a root-owned
 * data folder in one line, and `docker stop` drains and exits 0.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import {
  BASE_IMAGE, DOCKER_BIN, DOCKER_HOST, REPO_ROOT, docker, ensureBaseImage, freePort, makeTempDir, removeDir, removeImages, sh, shFails,
} from './helpers.js'; // prettier-ignore
import { dockerConfigDir, dockerIn } from './tls-helpers.js';

const IMAGE = 'berth-e2e/berth:image-test';
const NAME = `berth-e2e-image-${process.pid}`;

/** docker inspect of a container, one Go template. */
const inspect = async (what: string, format: string) => (await docker('inspect', '--format', format, what)).stdout.trim();

describe('the Docker image', { timeout: 3_600_000 }, () => {
  let work = '';
  let port = 0;
  let host = '';
  let sizeMb = 0;
  const pushed: string[] = [];

  before(
    async () => {
      work = await makeTempDir('image');
      // The Dockerfile's FROM, made from Debian's packages and this machine's Node (cached).
      await sh('bash', [join(REPO_ROOT, 'test/e2e/node-base.sh'), 'node:20-bookworm-slim'], {
        env: { ...process.env, DOCKER_HOST, E2E_DOCKER: DOCKER_BIN },
        timeoutMs: 2_400_000,
      });
      // BuildKit: metadata steps cost nothing and the stages build side by side (the legacy
      // builder copies the whole file system for each of the 22 steps on the vfs driver).
      await sh(DOCKER_BIN, ['build', '--network', 'host', '-t', IMAGE, REPO_ROOT], {
        env: { ...process.env, DOCKER_HOST, DOCKER_BUILDKIT: '1' },
        timeoutMs: 1_800_000,
      });
      sizeMb = Number(await inspect(IMAGE, '{{.Size}}')) / 1e6;
      process.stdout.write(`# image ${IMAGE}: ${sizeMb.toFixed(0)} MB\n`);
      const htpasswd = join(work, 'htpasswd');
      await writeFile(htpasswd, `carol:${bcrypt.hashSync('carol-pw', 6).replace(/^\$2b\$/, '$2y$')}\n`);
      await chmod(work, 0o755);
      await chmod(htpasswd, 0o644);
      port = await freePort();
      host = `127.0.0.1:${port}`;
      await docker(
        'run', '-d', '--name', NAME, '--network', 'host',
        '-e', `BERTH_HTTP_ADDR=${host}`, '-e', 'BERTH_AUTH_HTPASSWD_PATH=/etc/berth/htpasswd', '-e', 'BERTH_AUTH_HTPASSWD_REALM=Berth image',
        '-v', `${htpasswd}:/etc/berth/htpasswd:ro`,
        // The Dockerfile's health check command, asked every second instead of every 30 s.
        '--health-interval', '1s', '--health-start-period', '60s', '--health-timeout', '10s',
        IMAGE,
      ); // prettier-ignore
      await ensureBaseImage();
    },
    { timeout: 3_000_000 },
  );

  after(
    async () => {
      await docker('rm', '-f', NAME).catch(() => undefined);
      await removeImages(...pushed);
      if (work) await removeDir(work);
    },
    { timeout: 120_000 },
  );

  it('runs as the non-root node user, and its health check reports healthy with auth on', async () => {
    assert.equal(await inspect(IMAGE, '{{.Config.User}}'), 'node');
    assert.equal((await docker('exec', NAME, 'id', '-u')).stdout.trim(), '1000');
    let status = '';
    for (let i = 0; i < 120 && status !== 'healthy'; i++) {
      status = await inspect(NAME, '{{.State.Health.Status}}');
      if (status !== 'healthy') await new Promise((r) => setTimeout(r, 1000));
    }
    const logs = (await docker('logs', NAME)).stderr;
    assert.equal(status, 'healthy', `health: ${await inspect(NAME, '{{json .State.Health}}')}\n${logs}`);
    // Auth is on: /v2/ wants credentials, the probes do not.
    assert.equal((await fetch(`http://${host}/v2/`)).status, 401);
    assert.equal((await fetch(`http://${host}/readyz`)).status, 200);
    assert.equal((await fetch(`http://${host}/metrics`)).status, 401);
    const auth = `Basic ${Buffer.from('carol:carol-pw').toString('base64')}`;
    assert.match(await (await fetch(`http://${host}/metrics`, { headers: { Authorization: auth } })).text(), /berth_http_requests_total/);
  });

  it('docker login, push and pull through the container', async () => {
    const cfg = await dockerConfigDir(work, 'carol');
    await dockerIn(cfg, 'login', host, '-u', 'carol', '-p', 'carol-pw');
    const target = `${host}/team/busybox:1`;
    pushed.push(target);
    await docker('tag', BASE_IMAGE, target);
    assert.match((await dockerIn(cfg, 'push', target)).stdout, /1: digest: sha256:/);
    await dockerIn(cfg, 'rmi', target);
    assert.match((await dockerIn(cfg, 'pull', target)).stdout, /Downloaded newer image/);
    assert.equal((await docker('run', '--rm', '--network', 'none', target, 'echo', 'ok')).stdout.trim(), 'ok');
  });

  it('refuses a root-owned data folder in one line naming it, instead of serving 503s', async () => {
    const data = join(work, 'root-owned');
    await mkdir(data, { mode: 0o755 });
    const err = await shFails(docker('run', '--rm', '--network', 'none', '-v', `${data}:/var/lib/berth`, IMAGE));
    const lines = err.stderr.split('\n').filter((l) => l.trim() !== '');
    assert.deepEqual(lines, [
      'berth: storage filesystem: /var/lib/berth: is not writable by this process (uid 1000); it belongs to uid 0, mode 755: chown it to uid 1000 or run as its owner',
    ]);
  });

  it('docker stop drains and exits 0', async () => {
    await docker('stop', NAME);
    assert.equal(await inspect(NAME, '{{.State.ExitCode}}'), '0');
    assert.match((await docker('logs', NAME)).stderr, /"msg":"stopped"/);
    assert.ok(sizeMb > 0);
  });
});
