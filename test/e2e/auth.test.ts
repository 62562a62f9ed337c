/**
 * Real clients over HTTPS with the development CA and Berth's token server: docker login, push
 * and pull; a push to a pull-only repository denied; anonymous pull of a public glob; skopeo
 * with --creds and --cert-dir (TLS verification on); a wrong CA refused; and Distribution 2.8.2
 * configured with Berth as its token realm accepting docker login and push. Berth listens on
 * a non-loopback address when there is one (see tls-helpers.ts: HOST_IP).
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { makeDevCerts, type DevCerts } from '../../src/tls/dev-certs.js';
import type { RunningRegistry } from './helpers.js';
import {
  BASE_IMAGE,
  DOCKER_BIN,
  DOCKER_HOST,
  ensureBaseImage,
  freePort,
  makeTempDir,
  removeDir,
  removeImages,
  sh,
  shFails,
  skopeo,
  startBerth,
  startDistribution,
  withLogs,
} from './helpers.js';
import { dockerConfigDir, dockerIn, DockerTrust, HOST_IP, httpsStatus } from './tls-helpers.js';

const SERVICE = 'berth-e2e';
const ISSUER = 'berth-e2e-issuer';
const PW = { alice: 'alice-e2e-pw', bob: 'bob-e2e-pw' };

describe('TLS and token auth with real clients', { timeout: 300_000 }, () => {
  let work = '';
  let certs: DevCerts;
  let wrong: DevCerts;
  let ca: Buffer;
  let berth: RunningRegistry;
  let dist: RunningRegistry | undefined;
  const docker = new DockerTrust();
  const trust = (hostPort: string, caFile: string) => docker.trust(hostPort, caFile);
  const images: string[] = [];
  const dockerConfig = (name: string) => dockerConfigDir(work, name);

  before(
    async () => {
      work = await makeTempDir('auth-e2e');
      certs = await makeDevCerts({ dir: join(work, 'certs'), hosts: [HOST_IP, '127.0.0.1', 'localhost'] });
      wrong = await makeDevCerts({ dir: join(work, 'wrong'), hosts: [HOST_IP, '127.0.0.1'], caName: 'Some other CA' });
      ca = await readFile(certs.caCert);
      const hash = (p: string) => bcrypt.hashSync(p, 6);
      const config = join(work, 'berth.yml');
      await writeFile(
        config,
        JSON.stringify({
          http: { tls: { certificate: certs.serverCert, key: certs.serverKey } },
          auth: {
            token: {
              service: SERVICE,
              issuer: ISSUER,
              server: {
                key: certs.tokenKey,
                users: { alice: { password: hash(PW.alice), groups: ['dev'] }, bob: { password: hash(PW.bob) } },
                rules: [
                  { repositories: ['dev/**', 'public/**'], groups: ['dev'], actions: ['pull', 'push'] },
                  { repositories: ['dev/**'], users: ['bob'], actions: ['pull'] },
                ],
                anonymous: ['public/*'],
              },
            },
          },
        }),
      );
      berth = await startBerth({
        root: join(work, 'berth-data'),
        listenHost: HOST_IP,
        https: true,
        env: { BERTH_CONFIG: config, BERTH_LOG_LEVEL: 'debug' },
        ready: async (url) => (await httpsStatus(url, ca)) === 401,
      });
      await ensureBaseImage();
    },
    { timeout: 180_000 },
  );

  after(
    async () => {
      await berth?.stop();
      await dist?.stop();
      await docker.cleanup();
      await removeImages(...images);
      if (work) await removeDir(work);
    },
    { timeout: 60_000 },
  );

  const ref = (repoTag: string): string => `${berth.host}/${repoTag}`;

  it(
    'docker refuses the registry while it trusts the wrong CA',
    { skip: HOST_IP === '127.0.0.1' && 'no non-loopback address' },
    async () => {
      await withLogs([berth], async () => {
        await trust(berth.host, wrong.caCert);
        const err = await shFails(dockerIn(await dockerConfig('wrong'), 'login', berth.host, '-u', 'alice', '-p', PW.alice));
        assert.match(err.stderr, /x509|certificate/i);
      });
    },
  );

  it('docker login with the dev CA: the credential lands in DOCKER_CONFIG/config.json', async () => {
    await withLogs([berth], async () => {
      await trust(berth.host, certs.caCert);
      const cfg = await dockerConfig('alice');
      const { stdout } = await dockerIn(cfg, 'login', berth.host, '-u', 'alice', '-p', PW.alice);
      assert.match(stdout, /Login Succeeded/);
      const saved = JSON.parse(await readFile(join(cfg, 'config.json'), 'utf8')) as { auths: Record<string, Record<string, string>> };
      const entry = saved.auths[berth.host];
      assert.ok(entry, `no credential for ${berth.host} in ${JSON.stringify(saved)}`);
      // docker asks for an offline token: Berth's refresh token becomes docker's identity token.
      assert.ok(entry['identitytoken'], `expected an identity token: ${JSON.stringify(entry)}`);
      const claims = JSON.parse(Buffer.from(entry['identitytoken']!.split('.')[1]!, 'base64url').toString('utf8'));
      assert.equal(claims.sub, 'alice');
      assert.ok(!JSON.stringify(saved).includes(PW.alice), 'the password itself is not stored');
      const wrongPw = await shFails(dockerIn(await dockerConfig('x'), 'login', berth.host, '-u', 'alice', '-p', 'not-it'));
      assert.match(wrongPw.stderr, /unauthorized|incorrect/i);
    });
  });

  it('docker push and pull with token auth', async () => {
    await withLogs([berth], async () => {
      const cfg = await dockerConfig('alice');
      images.push(ref('dev/app:1'), ref('public/tool:1'));
      await sh(DOCKER_BIN, ['tag', BASE_IMAGE, ref('dev/app:1')], { env: { ...process.env, DOCKER_HOST } });
      const { stdout } = await dockerIn(cfg, 'push', ref('dev/app:1'));
      assert.match(stdout, /1: digest: sha256:[0-9a-f]{64} size: \d+/);
      await dockerIn(cfg, 'rmi', ref('dev/app:1'));
      const pulled = await dockerIn(cfg, 'pull', ref('dev/app:1'));
      assert.match(pulled.stdout, /Downloaded newer image|Image is up to date/);
      const log = await berth.log();
      assert.match(log, /token issued/, 'tokens came from the token server');
    });
  });

  it('a push to a pull-only repository fails in docker with "denied"', async () => {
    await withLogs([berth], async () => {
      const cfg = await dockerConfig('bob');
      await dockerIn(cfg, 'login', berth.host, '-u', 'bob', '-p', PW.bob);
      images.push(ref('dev/app:bob'));
      await sh(DOCKER_BIN, ['tag', BASE_IMAGE, ref('dev/app:bob')], { env: { ...process.env, DOCKER_HOST } });
      const err = await shFails(dockerIn(cfg, 'push', ref('dev/app:bob')));
      assert.match(err.stderr + err.stdout, /denied/);
      // bob may still pull it.
      await dockerIn(cfg, 'pull', ref('dev/app:1'));
    });
  });

  it('anonymous pull of a public glob works; of a private repository it does not', async () => {
    await withLogs([berth], async () => {
      await sh(DOCKER_BIN, ['tag', BASE_IMAGE, ref('public/tool:1')], { env: { ...process.env, DOCKER_HOST } });
      await dockerIn(await dockerConfig('alice'), 'push', ref('public/tool:1'));
      await dockerIn(await dockerConfig('alice'), 'rmi', ref('public/tool:1'));
      const anon = await dockerConfig('anonymous');
      const pulled = await dockerIn(anon, 'pull', ref('public/tool:1'));
      assert.match(pulled.stdout, /Downloaded newer image|Image is up to date/);
      const err = await shFails(dockerIn(anon, 'pull', ref('dev/app:1')));
      assert.match(err.stderr, /denied|unauthorized|authentication required/i);
      const push = await shFails(dockerIn(anon, 'push', ref('public/tool:1')));
      assert.match(push.stderr + push.stdout, /denied|unauthorized|authentication required/i);
    });
  });

  it('skopeo copy with --creds and --cert-dir, TLS verification on; a wrong CA is refused', async () => {
    await withLogs([berth], async () => {
      const good = join(work, 'skopeo-ca');
      const bad = join(work, 'skopeo-wrong');
      await mkdir(good, { recursive: true });
      await mkdir(bad, { recursive: true });
      await writeFile(join(good, 'ca.crt'), ca);
      await writeFile(join(bad, 'ca.crt'), await readFile(wrong.caCert));
      const creds = `alice:${PW.alice}`;
      await skopeo(
        'copy',
        '--src-creds',
        creds,
        '--src-cert-dir',
        good,
        '--dest-creds',
        creds,
        '--dest-cert-dir',
        good,
        `docker://${ref('dev/app:1')}`,
        `docker://${ref('dev/copied:1')}`,
      );
      const a = JSON.parse((await skopeo('inspect', '--creds', creds, '--cert-dir', good, `docker://${ref('dev/app:1')}`)).stdout);
      const b = JSON.parse((await skopeo('inspect', '--creds', creds, '--cert-dir', good, `docker://${ref('dev/copied:1')}`)).stdout);
      assert.equal(b.Digest, a.Digest);
      const refused = await shFails(skopeo('inspect', '--creds', creds, '--cert-dir', bad, `docker://${ref('dev/copied:1')}`));
      assert.match(refused.stderr, /x509|certificate/i);
      const noCreds = await shFails(skopeo('inspect', '--cert-dir', good, `docker://${ref('dev/copied:1')}`));
      assert.match(noCreds.stderr, /unauthorized|authentication required|denied/i);
    });
  });

  it('Distribution 2.8.2 with Berth as its token realm: docker login and docker push', async () => {
    const port = await freePort();
    dist = await startDistribution({
      root: join(work, 'dist-data'),
      port,
      listenHost: HOST_IP,
      tls: { certificate: certs.serverCert, key: certs.serverKey },
      extraConfig: [
        'auth:',
        '  token:',
        `    realm: ${berth.url}/token`,
        `    service: ${SERVICE}`,
        `    issuer: ${ISSUER}`,
        `    rootcertbundle: ${JSON.stringify(certs.tokenCert)}`,
      ],
      ready: async (url) => (await httpsStatus(url, ca)) === 401,
    });
    const d = dist;
    await withLogs([berth, d], async () => {
      await trust(d.host, certs.caCert);
      const cfg = await dockerConfig('alice-dist');
      assert.match((await dockerIn(cfg, 'login', d.host, '-u', 'alice', '-p', PW.alice)).stdout, /Login Succeeded/);
      const target = `${d.host}/dev/app:dist`;
      images.push(target);
      await sh(DOCKER_BIN, ['tag', BASE_IMAGE, target], { env: { ...process.env, DOCKER_HOST } });
      const { stdout } = await dockerIn(cfg, 'push', target);
      assert.match(stdout, /dist: digest: sha256:[0-9a-f]{64}/);
      const tags = await readFile(join(d.root, 'docker/registry/v2/repositories/dev/app/_manifests/tags/dist/current/link'), 'utf8');
      assert.match(tags, /^sha256:[0-9a-f]{64}$/, 'Distribution stored the tag');
      const bob = await dockerConfig('bob-dist');
      await dockerIn(bob, 'login', d.host, '-u', 'bob', '-p', PW.bob);
      const denied = await shFails(dockerIn(bob, 'push', target));
      assert.match(denied.stderr + denied.stdout, /denied/);
    });
  });
});
