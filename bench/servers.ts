/**
 * The two registries under test as child processes: Berth (`node dist/main.js serve`) and
 * Distribution 2.8.2 (`/usr/bin/docker-registry serve CONFIG`, installed with apt if missing),
 * each on a free loopback port and its own empty data folder.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Which registry a target is. */
export type Side = 'berth' | 'distribution';

/** A running registry process. */
export interface Target {
  side: Side;
  /** Display name. */
  name: string;
  url: string;
  /** host:port, as in image references. */
  host: string;
  pid: number;
  /** Headers every client of the bench sends to it (the auth scenario's bearer token). */
  headers?: Record<string, string>;
  /** Whether the process is still running. */
  alive(): boolean;
  /** The last `max` characters of its log. */
  logTail(max?: number): Promise<string>;
  /** TERM, then KILL after 10 s. */
  stop(): Promise<void>;
}

/** Path of the Distribution binary from Debian's docker-registry package. */
export const DISTRIBUTION_BIN = '/usr/bin/docker-registry';

/** Install Debian's docker-registry with apt when the binary is missing. */
export async function ensureDistribution(log: (msg: string) => void): Promise<void> {
  if (existsSync(DISTRIBUTION_BIN)) return;
  log('installing docker-registry with apt-get');
  // Keep the package's maintainer scripts from starting a system registry service.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) await writeFile(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    await run('apt-get', ['update', '-q'], { maxBuffer: 64 << 20, timeout: 300_000 });
    await run('apt-get', ['install', '-y', '-q', 'docker-registry'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 << 20,
      timeout: 600_000,
    });
  } finally {
    if (ownPolicy) await run('rm', ['-f', policy]);
  }
  if (!existsSync(DISTRIBUTION_BIN)) throw new Error(`apt-get installed docker-registry but ${DISTRIBUTION_BIN} is missing`);
}

/** Version line of the Distribution binary. */
export async function distributionVersion(): Promise<string> {
  const { stdout } = await run(DISTRIBUTION_BIN, ['--version']);
  return stdout.trim().replace(/^\S+\s+/, '');
}

/** A currently free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * Start Berth from dist/ with filesystem storage under `dir`/data; `workers` sets http.workers
 * (default: auto); `extraEnv` adds BERTH_* settings (the auth scenario's accounts).
 */
export async function startBerth(repoRoot: string, dir: string, workers?: number, extraEnv: Record<string, string> = {}): Promise<Target> {
  const main = join(repoRoot, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build`);
  const port = await freePort();
  const data = join(dir, 'data');
  await mkdir(data, { recursive: true });
  // Berth reads every BERTH_* variable as configuration: pass only ours.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BERTH_')) env[k] = v;
  Object.assign(env, {
    BERTH_HTTP_ADDR: `127.0.0.1:${port}`,
    BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: data,
    BERTH_STORAGE_DELETE_ENABLED: 'true',
    BERTH_LOG_LEVEL: 'warn',
    ...(workers === undefined ? {} : { BERTH_HTTP_WORKERS: String(workers) }),
    ...extraEnv,
  });
  // Run it as the `berth` bin would: with the node flags of its shebang line.
  const shebang = (await readFile(main, 'utf8')).split('\n', 1)[0]!;
  const flags = shebang.split(/\s+/).filter((w) => w.startsWith('--'));
  return launch('berth', 'Berth', process.execPath, [...flags, main, 'serve'], repoRoot, env, port, join(dir, 'server.log'));
}

/**
 * Start Distribution with its own config: filesystem storage under `dir`/data, delete enabled,
 * log level error, no access log, the in-memory blob descriptor cache of the packaged config.
 */
export async function startDistribution(dir: string): Promise<Target> {
  const port = await freePort();
  const data = join(dir, 'data');
  await mkdir(data, { recursive: true });
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(data)}`,
      '  delete:',
      '    enabled: true',
      '  cache:',
      '    blobdescriptor: inmemory',
      '  maintenance:',
      '    uploadpurging:',
      '      enabled: false',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  return launch('distribution', 'Distribution', DISTRIBUTION_BIN, ['serve', config], dir, env, port, join(dir, 'server.log'));
}

async function launch(
  side: Side,
  name: string,
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  port: number,
  logFile: string,
): Promise<Target> {
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, { cwd, env, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });
  const host = `127.0.0.1:${port}`;
  const target: Target = {
    side,
    name,
    url: `http://${host}`,
    host,
    pid: child.pid ?? -1,
    alive: () => !exited,
    logTail: async (max = 3000) => {
      const text = await readFile(logFile, 'utf8').catch(() => '');
      return text.length > max ? `…${text.slice(-max)}` : text;
    },
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`${name} exited before it was ready:\n${await target.logTail()}`);
    try {
      const res = await fetch(`${target.url}/v2/`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      // 401: up, with auth on (the challenge is its answer to an anonymous GET /v2/).
      if (res.status === 200 || res.status === 401) return target;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await target.stop();
      throw new Error(`${name} not ready on ${target.url} after 30 s:\n${await target.logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
