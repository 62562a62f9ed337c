/** htpasswd mode with real clients over HTTPS: docker login stores Basic credentials; push and pull. */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
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
  makeTempDir,
  removeDir,
  removeImages,
  sh,
  shFails,
  startBerth,
  withLogs,
} from './helpers.js';
import { dockerConfigDir, dockerIn, DockerTrust, HOST_IP, httpsStatus } from './tls-helpers.js';

describe('htpasswd auth with real clients', { timeout: 180_000 }, () => {
  let work = '';
  let certs: DevCerts;
  let berth: RunningRegistry;
  const docker = new DockerTrust();
  const images: string[] = [];

  before(
    async () => {
      work = await makeTempDir('htpasswd-e2e');
      certs = await makeDevCerts({ dir: join(work, 'certs'), hosts: [HOST_IP, '127.0.0.1'] });
      const htpasswd = join(work, 'htpasswd');
      // The format `htpasswd -B` writes.
      await writeFile(htpasswd, `carol:${bcrypt.hashSync('carol-pw', 6).replace(/^\$2b\$/, '$2y$')}\n`);
      const ca = await readFile(certs.caCert);
      berth = await startBerth({
        root: join(work, 'data'),
        listenHost: HOST_IP,
        https: true,
        env: {
          BERTH_HTTP_TLS_CERTIFICATE: certs.serverCert,
          BERTH_HTTP_TLS_KEY: certs.serverKey,
          BERTH_AUTH_HTPASSWD_PATH: htpasswd,
          BERTH_AUTH_HTPASSWD_REALM: 'Berth e2e',
        },
        ready: async (url) => (await httpsStatus(url, ca)) === 401,
      });
      await docker.trust(berth.host, certs.caCert);
      await ensureBaseImage();
    },
    { timeout: 120_000 },
  );

  after(
    async () => {
      await berth?.stop();
      await docker.cleanup();
      await removeImages(...images);
      if (work) await removeDir(work);
    },
    { timeout: 60_000 },
  );

  it('docker login stores Basic credentials; push, pull; no credentials, no pull', async () => {
    await withLogs([berth], async () => {
      const cfg = await dockerConfigDir(work, 'carol');
      const denied = await shFails(dockerIn(cfg, 'login', berth.host, '-u', 'carol', '-p', 'wrong'));
      assert.match(denied.stderr, /unauthorized/i);
      await dockerIn(cfg, 'login', berth.host, '-u', 'carol', '-p', 'carol-pw');
      const saved = JSON.parse(await readFile(join(cfg, 'config.json'), 'utf8')) as { auths: Record<string, { auth?: string }> };
      assert.equal(Buffer.from(saved.auths[berth.host]?.auth ?? '', 'base64').toString(), 'carol:carol-pw');
      const target = `${berth.host}/any/repo:1`;
      images.push(target);
      await sh(DOCKER_BIN, ['tag', BASE_IMAGE, target], { env: { ...process.env, DOCKER_HOST } });
      assert.match((await dockerIn(cfg, 'push', target)).stdout, /1: digest: sha256:/);
      await dockerIn(cfg, 'rmi', target);
      assert.match((await dockerIn(cfg, 'pull', target)).stdout, /Downloaded newer image|Image is up to date/);
      const anon = await shFails(dockerIn(await dockerConfigDir(work, 'anonymous'), 'pull', target));
      assert.match(anon.stderr, /no basic auth credentials|unauthorized/i);
    });
  });
});
