/**
 * Helpers for the HTTPS e2e files: the address to serve on, a TLS readiness probe, a docker
 * client with its own DOCKER_CONFIG, and daemon-wide CA trust under /etc/docker/certs.d.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { DOCKER_BIN, DOCKER_HOST, sh, type ShResult } from './helpers.js';

/**
 * A non-loopback IPv4 address of this machine when there is one: docker treats 127.0.0.0/8 as
 * an insecure registry and would skip certificate checks there.
 */
export const HOST_IP =
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address ?? '127.0.0.1';

/** Status of GET /v2/ over HTTPS trusting `ca` (as readiness: 401 means up and protected). */
export function httpsStatus(url: string, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${url}/v2/`, { ca, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** The docker client with its own DOCKER_CONFIG (credentials), against the private dockerd. */
export function dockerIn(configDir: string, ...args: string[]): Promise<ShResult> {
  return sh(DOCKER_BIN, args, { env: { ...process.env, DOCKER_HOST, DOCKER_CONFIG: configDir } });
}

/** Docker's per-registry CA files under /etc/docker/certs.d (needs root), removed by cleanup(). */
export class DockerTrust {
  private readonly dirs = new Set<string>();

  /** Make docker trust `caFile` for `hostPort` (replacing what it trusted before). */
  async trust(hostPort: string, caFile: string): Promise<void> {
    const dir = `/etc/docker/certs.d/${hostPort}`;
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'ca.crt'), await readFile(caFile));
    this.dirs.add(dir);
  }

  /** Remove every folder trust() made. */
  async cleanup(): Promise<void> {
    for (const dir of this.dirs) await rm(dir, { recursive: true, force: true });
  }
}

/** A fresh (or existing) DOCKER_CONFIG folder `docker-<name>` under `work`. */
export async function dockerConfigDir(work: string, name: string): Promise<string> {
  const dir = join(work, `docker-${name}`);
  await mkdir(dir, { recursive: true });
  return dir;
}
