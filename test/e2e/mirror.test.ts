/**
 * Berth as a Docker Hub mirror, end to end. Docker Hub is played by Distribution 2.8.2 behind
 * Bearer token auth (a JWT token server on another port, service registry.docker.io) holding a
 * multi-arch library/busybox; a second Distribution plays ghcr.io. A dockerd of its own runs
 * with `--registry-mirror http://127.0.0.1:<berth>`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTokenServer, TOKEN, type TokenServer } from './fake-hub-token.js';
import {
  buildOciLayout, DOCKER_BIN, freePort, makeTempDir, removeDir, sh, shFails, skopeo, STATE_DIR, startBerth, withLogs,
  type OciLayout, type RunningRegistry,
} from './helpers.js'; // prettier-ignore
import { countGets, startMirrorDockerd, startUpstream, type Proc } from './mirror-env.js';

const TTL_S = 6;

describe('Berth as a registry mirror (pull-through cache)', { timeout: 600_000 }, () => {
  let dir: string;
  let tokens: TokenServer;
  let hub: Proc;
  let hubPort: number;
  let ghcr: Proc;
  let ghcrPort: number;
  let berth: RunningRegistry;
  let dockerd: Proc & { host: string };
  let busybox: OciLayout;
  let other: OciLayout;
  let par: OciLayout;

  const d = (...args: string[]) => sh(DOCKER_BIN, ['-H', dockerd.host, ...args], { timeoutMs: 180_000 });
  const toHub = (src: string, dest: string, all = false) =>
    skopeo(
      'copy',
      ...(all ? ['--all'] : []),
      '--dest-tls-verify=false',
      '--dest-creds',
      `${TOKEN.user}:${TOKEN.pass}`,
      src,
      `docker://127.0.0.1:${hubPort}/${dest}`,
    );
  const raw = async (ref: string) => (await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${berth.host}/${ref}`)).raw;
  const digestOf = async (ref: string) =>
    (await skopeo('inspect', '--tls-verify=false', '--no-tags', '--format', '{{.Digest}}', `docker://${berth.host}/${ref}`)).stdout.trim();
  const logged = <T>(fn: () => Promise<T>) => withLogs([berth], fn);

  before(async () => {
    dir = await makeTempDir('mirror');
    tokens = await startTokenServer(dir);
    [hubPort, ghcrPort] = [await freePort(), await freePort()];
    hub = await startUpstream(join(dir, 'hub'), hubPort, tokens);
    ghcr = await startUpstream(join(dir, 'ghcr'), ghcrPort);
    busybox = await buildOciLayout(join(dir, 'busybox'), { indexTag: 'latest', singleTag: 'single', randomBytes: 256 * 1024 });
    other = await buildOciLayout(join(dir, 'other'), { indexTag: 'multi', singleTag: 'v1', randomBytes: 256 * 1024 });
    await toHub(busybox.ref('latest'), 'library/busybox:latest', true);
    par = await buildOciLayout(join(dir, 'par'), { indexTag: 'multi', singleTag: 'v1', randomBytes: 256 * 1024 });
    await toHub(par.ref('v1'), 'library/parallel:v1');
    await toHub(busybox.ref('single'), 'library/moving:v1');
    await skopeo('copy', '--dest-tls-verify=false', other.ref('v1'), `docker://127.0.0.1:${ghcrPort}/owner/app:1`);

    const config = join(dir, 'berth.yml');
    await writeFile(
      config,
      [
        'log: {level: info}',
        'proxy:',
        '  enabled: true',
        '  private: [team]',
        '  upstream: {retries: 1, timeout: 5s}',
        '  upstreams:',
        `    - {name: dockerhub, url: "http://127.0.0.1:${hubPort}", prefix: "", library: true, ttl: ${TTL_S}s}`,
        `    - {name: ghcr, url: "http://127.0.0.1:${ghcrPort}", prefix: ghcr.io, ttl: 1m}`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    berth = await startBerth({ root: join(dir, 'berth'), port, env: { BERTH_CONFIG: config } });
    dockerd = await startMirrorDockerd(`${STATE_DIR}-m`, `http://127.0.0.1:${port}`);
  });

  after(async () => {
    await dockerd?.stop();
    await berth?.stop();
    await hub?.stop();
    await ghcr?.stop();
    await tokens?.close();
    await removeDir(`${STATE_DIR}-m`);
    await removeDir(dir);
  });

  it('docker pull busybox goes through Berth (transparent registry-mirrors entry, token auth upstream)', () =>
    logged(async () => {
      await d('pull', 'busybox');
      const [info] = JSON.parse((await d('image', 'inspect', 'busybox')).stdout) as { RepoDigests: string[] }[];
      assert.ok(info!.RepoDigests.includes(`busybox@${busybox.indexDigest}`), JSON.stringify(info!.RepoDigests));
      assert.equal((await d('run', '--rm', '--network', 'none', 'busybox')).stdout.trim(), 'amd64');
      assert.equal(await countGets(hub, `/v2/library/busybox/manifests/${busybox.indexDigest}`), 1);
      const amd64 = busybox.platforms.find((p) => p.architecture === 'amd64')!;
      for (const layer of amd64.layerDigests) assert.equal(await countGets(hub, `/v2/library/busybox/blobs/${layer}`), 1);
      // The arm64 child was not asked for, so not fetched.
      const arm = busybox.platforms.find((p) => p.architecture === 'arm64')!;
      assert.equal(await countGets(hub, `/v2/library/busybox/manifests/${arm.digest}`), 0);
    }));

  it('a tag moved upstream is seen after its TTL and not before', () =>
    logged(async () => {
      const before = await digestOf('library/moving:v1');
      const t0 = Date.now();
      assert.equal(before, busybox.platforms[0]!.digest);
      await toHub(other.ref('v1'), 'library/moving:v1');
      const early = await digestOf('library/moving:v1');
      assert.ok(Date.now() - t0 < TTL_S * 1000, 'the early check came too late to mean anything; raise TTL_S');
      assert.equal(early, before, 'the moved tag was seen before its TTL');
      await new Promise((r) => setTimeout(r, Math.max(0, TTL_S * 1000 + 500 - (Date.now() - t0))));
      assert.equal(await digestOf('library/moving:v1'), other.platforms[0]!.digest);
    }));

  it('20 parallel pulls of an uncached image make one upstream GET per blob', () =>
    logged(async () => {
      const pulls = Array.from({ length: 20 }, (_, i) =>
        skopeo('copy', '--src-tls-verify=false', `docker://${berth.host}/library/parallel:v1`, `dir:${join(dir, `pull-${i}`)}`),
      );
      await Promise.all(pulls);
      const img = par.platforms[0]!;
      assert.equal(await countGets(hub, `/v2/library/parallel/manifests/${img.digest}`), 1);
      for (const blob of [img.configDigest, ...img.layerDigests]) {
        assert.equal(await countGets(hub, `/v2/library/parallel/blobs/${blob}`), 1, `GETs of ${blob}`);
      }
    }));

  it('a second upstream is reached by prefix and by ?ns= (echoed in OCI-Namespace)', () =>
    logged(async () => {
      const want = other.platforms[0]!.digest;
      assert.equal(await digestOf('ghcr.io/owner/app:1'), want);
      const res = await fetch(`${berth.url}/v2/owner/app/manifests/1?ns=ghcr.io`, {
        headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(res.headers.get('oci-namespace'), 'ghcr.io');
      assert.equal(res.headers.get('docker-content-digest'), want);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), await raw('ghcr.io/owner/app:1'));
      const hubNs = await fetch(`${berth.url}/v2/library/busybox/manifests/latest?ns=docker.io`, {
        method: 'HEAD',
        headers: { Accept: 'application/vnd.oci.image.index.v1+json' },
      });
      assert.equal(hubNs.headers.get('docker-content-digest'), busybox.indexDigest);
    }));

  it('push to a private namespace works; push into the mirrored namespace is refused clearly', () =>
    logged(async () => {
      await d('tag', 'busybox', `${berth.host}/team/busybox:1`);
      await d('push', `${berth.host}/team/busybox:1`);
      assert.match(await digestOf('team/busybox:1'), /^sha256:/);
      await d('tag', 'busybox', `${berth.host}/library/busybox:mine`);
      const err = await shFails(d('push', `${berth.host}/library/busybox:mine`));
      assert.match(err.stderr, /denied: repository library\/busybox is a read-only mirror of upstream dockerhub/);
    }));

  it('with the upstream stopped, docker rmi + docker pull busybox is served from the cache', () =>
    logged(async () => {
      await hub.stop();
      // Past the TTL, so the tag must be rechecked upstream, which fails.
      await new Promise((r) => setTimeout(r, TTL_S * 1000 + 500));
      await d('rmi', 'busybox', `${berth.host}/team/busybox:1`, `${berth.host}/library/busybox:mine`);
      const pull = await d('pull', 'busybox');
      // The layers were downloaded again (from Berth's cache), not found locally.
      assert.match(pull.stdout, /Pull complete/);
      const res = await fetch(`${berth.url}/v2/library/busybox/manifests/latest`, {
        headers: { Accept: 'application/vnd.oci.image.index.v1+json' },
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('warning') ?? '', /^110 /);
      const stats = (await (await fetch(`${berth.url}/_berth/proxy/stats`)).json()) as {
        upstreams: Record<string, { stale: number; hits: number; misses: number; upstreamBytes: number }>;
      };
      const hubStats = stats.upstreams['dockerhub']!;
      assert.ok(hubStats.stale >= 1 && hubStats.hits > 0 && hubStats.misses > 0 && hubStats.upstreamBytes > 0, JSON.stringify(hubStats));
    }));
});
