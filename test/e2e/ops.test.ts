/**
 * Operations with real docker: read-only mode switched at run time while `docker push` runs
 * (the push fails with Berth's message, pulls go on); Berth started on Debian's packaged
 * registry:2 config.yml used by docker; and a Docker Hub mirror made by REGISTRY_PROXY_REMOTEURL
 * alone, as registry:2 users make one, serving `docker pull` through registry-mirrors.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { startTokenServer, TOKEN, type TokenServer } from './fake-hub-token.js';
import {
  BASE_IMAGE, DOCKER_BIN, buildMultiLayerImage, buildOciLayout, docker, ensureBaseImage, freePort, makeTempDir, removeDir,
  removeImages, REPO_ROOT, sh, shFails, skopeo, STATE_DIR, startBerth, withLogs, type RunningRegistry,
} from './helpers.js'; // prettier-ignore
import { startMirrorDockerd, startUpstream, type Proc } from './mirror-env.js';
import { dockerConfigDir, dockerIn } from './tls-helpers.js';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('read-only mode switched while docker push runs', { timeout: 600_000 }, () => {
  let work = '';
  let berth: RunningRegistry;
  let config = '';
  const images: string[] = [];
  const writeConfig = (readonly: boolean) =>
    writeFile(
      config,
      `storage:\n  filesystem:\n    rootdirectory: ${join(work, 'data')}\n  maintenance:\n    readonly:\n      enabled: ${readonly}\n`,
    );

  before(
    async () => {
      work = await makeTempDir('readonly');
      config = join(work, 'config.yml');
      await writeConfig(false);
      berth = await startBerth({ root: join(work, 'data'), env: { BERTH_CONFIG: config } });
      await ensureBaseImage();
    },
    { timeout: 120_000 },
  );
  after(
    async () => {
      await berth?.stop();
      await removeImages(...images);
      if (work) await removeDir(work);
    },
    { timeout: 60_000 },
  );

  it('the push in progress fails with a clear message; pulls go on; writes work again when switched back', () =>
    withLogs([berth], async () => {
      const small = `${berth.host}/team/small:1`;
      images.push(small);
      await docker('tag', BASE_IMAGE, small);
      await docker('push', small);
      const big = await buildMultiLayerImage({ tag: `${berth.host}/team/big:1`, fileSizes: [48 << 20, 48 << 20, 48 << 20], run: false });
      images.push(big.tag);
      const push = docker('push', big.tag);
      // Switch as soon as the first layer is being uploaded.
      const uploads = join(work, 'data', 'docker/registry/v2/repositories/team/big/_uploads');
      for (let i = 0; i < 600 && !(existsSync(uploads) && (await readdir(uploads)).length > 0); i++) await settle(50);
      await writeConfig(true);
      berth.signal('SIGHUP');
      const err = await shFails(push);
      assert.match(
        err.stderr,
        /denied: registry is in read-only mode for maintenance: (upload|blob\.push|manifest\.push) refused \(pulls still work\)/,
      );
      // Reads go on.
      await docker('rmi', small);
      assert.match((await docker('pull', small)).stdout, /Downloaded newer image/);
      assert.match(
        await berth.log(),
        /"msg":"read-only mode on: writes are refused".*"by":"SIGHUP"|"by":"SIGHUP".*"msg":"read-only mode on/,
      );
      await writeConfig(false);
      berth.signal('SIGHUP');
      let ok = false;
      for (let i = 0; i < 50 && !ok; i++)
        ok = (await settle(100), (await fetch(`${berth.url}/v2/team/x/blobs/uploads/`, { method: 'POST' })).status === 202);
      assert.ok(ok, 'writes accepted again');
      assert.match((await docker('push', big.tag)).stdout, /1: digest: sha256:/);
    }));

  it('switched by `berth readonly on` (the management API) while a push runs: the same refusal; `off` lets it through', () =>
    withLogs([berth], async () => {
      const big = await buildMultiLayerImage({ tag: `${berth.host}/team/big:2`, fileSizes: [48 << 20, 48 << 20, 48 << 20], run: false });
      images.push(big.tag);
      const cli = (verb: string) =>
        sh(process.execPath, ['--import', 'tsx', join('src', 'main.ts'), 'readonly', verb, '--url', berth.url], { cwd: REPO_ROOT });
      const push = docker('push', big.tag);
      const uploads = join(work, 'data', 'docker/registry/v2/repositories/team/big/_uploads');
      for (let i = 0; i < 600 && !(existsSync(uploads) && (await readdir(uploads)).length > 0); i++) await settle(50);
      // Auth is off here, as in most registry:2 set-ups: the open registry's switch needs no credentials.
      assert.match((await cli('on')).stdout, /^read-only mode on \(since .*, by api:anonymous\)/);
      const err = await shFails(push);
      assert.match(
        err.stderr,
        /denied: registry is in read-only mode for maintenance: (upload|blob\.push|manifest\.push) refused \(pulls still work\)/,
      );
      assert.match((await docker('pull', `${berth.host}/team/small:1`)).stdout, /team\/small:1/);
      assert.match((await cli('status')).stdout, /^read-only mode on/);
      assert.match((await cli('off')).stdout, /^read-only mode off/);
      assert.match((await docker('push', big.tag)).stdout, /2: digest: sha256:/);
    }));
});

describe("Debian's registry:2 config.yml as a drop-in", { timeout: 300_000 }, () => {
  let work = '';
  let berth: RunningRegistry;
  const images: string[] = [];
  const DEBIAN = '/etc/docker/registry/config.yml';

  before(
    async () => {
      work = await makeTempDir('debian-config');
      const htpasswd = join(work, 'htpasswd');
      await writeFile(htpasswd, `dave:${bcrypt.hashSync('dave-pw', 6).replace(/^\$2b\$/, '$2y$')}\n`);
      const port = await freePort();
      // The packaged file as it is; what an admin changes for their machine comes from REGISTRY_*.
      berth = await startBerth({
        root: join(work, 'data'),
        port,
        env: {
          BERTH_CONFIG: DEBIAN,
          REGISTRY_HTTP_ADDR: `127.0.0.1:${port}`,
          REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY: join(work, 'data'),
          REGISTRY_AUTH_HTPASSWD_PATH: htpasswd,
        },
        ready: async (url) => (await fetch(`${url}/v2/`)).status === 401,
      });
      await ensureBaseImage();
    },
    { timeout: 120_000 },
  );
  after(
    async () => {
      await berth?.stop();
      await removeImages(...images);
      if (work) await removeDir(work);
    },
    { timeout: 60_000 },
  );

  it('starts, names the keys it ignores once, and serves docker login, push and pull', () =>
    withLogs([berth], async () => {
      assert.ok(existsSync(DEBIAN), 'setup.sh installs docker-registry');
      const log = await berth.log();
      for (const key of ['health.storagedriver.interval', 'health.storagedriver.threshold']) {
        assert.equal(log.split(`config: ${key}: ignored`).length - 1, 1, `${key} reported once`);
      }
      assert.match(log, /"service":"registry"/, 'log.fields on every line');
      const res = await fetch(`${berth.url}/v2/`);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', 'http.headers');
      const cfg = await dockerConfigDir(work, 'dave');
      await dockerIn(cfg, 'login', berth.host, '-u', 'dave', '-p', 'dave-pw');
      const target = `${berth.host}/any/busybox:1`;
      images.push(target);
      await docker('tag', BASE_IMAGE, target);
      assert.match((await dockerIn(cfg, 'push', target)).stdout, /1: digest: sha256:/);
      await dockerIn(cfg, 'rmi', target);
      assert.match((await dockerIn(cfg, 'pull', target)).stdout, /Downloaded newer image/);
    }));
});

describe('a mirror made by REGISTRY_PROXY_REMOTEURL alone', { timeout: 600_000 }, () => {
  let dir = '';
  let tokens: TokenServer;
  let hub: Proc;
  let berth: RunningRegistry;
  let dockerd: Proc & { host: string };
  let digest = '';

  before(
    async () => {
      dir = await makeTempDir('remoteurl');
      tokens = await startTokenServer(dir);
      const hubPort = await freePort();
      hub = await startUpstream(join(dir, 'hub'), hubPort, tokens);
      const layout = await buildOciLayout(join(dir, 'busybox'), { indexTag: 'latest', singleTag: 'single', randomBytes: 128 * 1024 });
      digest = layout.indexDigest;
      await skopeo(
        'copy', '--all', '--dest-tls-verify=false', '--dest-creds', `${TOKEN.user}:${TOKEN.pass}`,
        layout.ref('latest'), `docker://127.0.0.1:${hubPort}/library/busybox:latest`,
      ); // prettier-ignore
      const port = await freePort();
      berth = await startBerth({ root: join(dir, 'berth'), port, env: { REGISTRY_PROXY_REMOTEURL: `http://127.0.0.1:${hubPort}` } });
      dockerd = await startMirrorDockerd(`${STATE_DIR}-r`, `http://127.0.0.1:${port}`);
    },
    { timeout: 300_000 },
  );
  after(
    async () => {
      await dockerd?.stop();
      await berth?.stop();
      await hub?.stop();
      await tokens?.close();
      await removeDir(`${STATE_DIR}-r`);
      if (dir) await removeDir(dir);
    },
    { timeout: 120_000 },
  );

  it('serves docker pull through registry-mirrors, fetching from the remote once', () =>
    withLogs([berth], async () => {
      const d = (...args: string[]) => sh(DOCKER_BIN, ['-H', dockerd.host, ...args], { timeoutMs: 180_000 });
      await d('pull', 'busybox');
      const [info] = JSON.parse((await d('image', 'inspect', 'busybox')).stdout) as { RepoDigests: string[] }[];
      assert.ok(info!.RepoDigests.includes(`busybox@${digest}`), JSON.stringify(info!.RepoDigests));
      const stats = (await (await fetch(`${berth.url}/_berth/proxy/stats`)).json()) as {
        upstreams: Record<string, { misses: number; upstreamBytes: number }>;
      };
      assert.ok(stats.upstreams['remote']!.misses > 0 && stats.upstreams['remote']!.upstreamBytes > 0, JSON.stringify(stats));
      // A mirror, as registry:2 in proxy mode: pushes are refused.
      await d('tag', 'busybox', `${berth.host}/library/busybox:mine`);
      const err = await shFails(d('push', `${berth.host}/library/busybox:mine`));
      assert.match(err.stderr, /denied: repository library\/busybox is a read-only mirror of upstream remote/);
    }));
});
