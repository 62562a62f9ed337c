/**
 * Processes for the mirror e2e: Distribution 2.8.2 playing Docker Hub (token auth, access log
 * for counting upstream GETs) or a plain second upstream, and a dockerd of its own started with
 * `--registry-mirror` pointing at Berth.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DISTRIBUTION_BIN, DOCKER_BIN, sh } from './helpers.js';
import { TOKEN } from './fake-hub-token.js';

/** A process with its log file. */
export interface Proc {
  logFile: string;
  log(): Promise<string>;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));

function start(cmd: string, args: string[], logFile: string): Proc {
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  children.add(child);
  const exited = new Promise<void>((r) => child.once('exit', () => (children.delete(child), r())));
  return {
    logFile,
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function until(what: string, proc: Proc, ok: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${ms} ms\n${(await proc.log()).slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Start Distribution on `port` over `root`; with `realm`/`certFile`, behind Docker Hub-like token auth. */
export async function startUpstream(dir: string, port: number, auth?: { realm: string; certFile: string }): Promise<Proc> {
  await mkdir(join(dir, 'data'), { recursive: true });
  const config = join(dir, 'config.yml');
  const lines = [
    'version: 0.1',
    'log: {level: info, accesslog: {disabled: false}}',
    `storage: {filesystem: {rootdirectory: ${JSON.stringify(join(dir, 'data'))}}, delete: {enabled: true}, maintenance: {uploadpurging: {enabled: false}}}`,
    `http: {addr: "127.0.0.1:${port}"}`,
  ];
  if (auth) {
    lines.push(
      `auth: {token: {realm: ${JSON.stringify(auth.realm)}, service: ${TOKEN.service}, issuer: ${TOKEN.issuer}, rootcertbundle: ${JSON.stringify(auth.certFile)}}}`,
    );
  }
  await writeFile(config, `${lines.join('\n')}\n`);
  const proc = start(DISTRIBUTION_BIN, ['serve', config], join(dir, 'registry.log'));
  await until('upstream registry', proc, async () => [200, 401].includes((await fetch(`http://127.0.0.1:${port}/v2/`)).status));
  return proc;
}

/** How many times the upstream's access log shows `GET <path>` answered 2xx/3xx. */
export async function countGets(proc: Proc, path: string): Promise<number> {
  const log = await proc.log();
  return log.split('\n').filter((l) => l.includes(`"GET ${path} HTTP/`) && / [23]\d\d \d+ /.test(l)).length;
}

/** A dockerd on its own socket under `stateDir` (keep it short) using `mirror` for Docker Hub. */
export async function startMirrorDockerd(stateDir: string, mirror: string): Promise<Proc & { host: string }> {
  await mkdir(join(stateDir, 'data'), { recursive: true });
  const sock = join(stateDir, 'docker.sock');
  // As setup.sh does: /usr/sbin may be missing from a non-root PATH.
  const dockerd = existsSync('/usr/sbin/dockerd') ? '/usr/sbin/dockerd' : 'dockerd';
  const proc = start(
    dockerd,
    [
      '--data-root', join(stateDir, 'data'), '--exec-root', join(stateDir, 'x'), '--pidfile', join(stateDir, 'dockerd.pid'),
      '--host', `unix://${sock}`, '--iptables=false', '--ip6tables=false', '--bridge=none', '--storage-driver=vfs',
      '--registry-mirror', mirror,
    ], // prettier-ignore
    join(stateDir, 'dockerd.log'),
  );
  const host = `unix://${sock}`;
  await until('mirror dockerd', proc, async () => (await sh(DOCKER_BIN, ['-H', host, 'info'], { timeoutMs: 5000 }), true));
  return { ...proc, host };
}
