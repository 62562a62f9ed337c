/**
 * Helpers for the real-client e2e suite: registry processes (Berth, Distribution 2.8.2), exec
 * wrappers for docker and skopeo, and image builders that need no internet.
 * The environment (dockerd, packages) comes from test/e2e/setup.sh, run by test/e2e/run.sh.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Repository root (the directory holding package.json and src/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Directory for e2e state shared with setup.sh (dockerd socket, logs, temp dirs). */
export const STATE_DIR = process.env.E2E_STATE_DIR ?? '/tmp/berth-e2e';

/** Docker client binary: the docker.io client that matches the daemon, unless E2E_DOCKER says. */
export const DOCKER_BIN = process.env.E2E_DOCKER ?? (existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker');

/** DOCKER_HOST for the private dockerd started by setup.sh. */
export const DOCKER_HOST = process.env.DOCKER_HOST ?? `unix://${join(STATE_DIR, 'docker.sock')}`;

/** Tag of the internet-free busybox base image built by ensureBaseImage(). */
export const BASE_IMAGE = 'berth-e2e/busybox:base';

/** Which server plays "Berth": E2E_TARGET=distribution swaps in Distribution to prove the harness. */
export const TARGET: 'berth' | 'distribution' = process.env.E2E_TARGET === 'distribution' ? 'distribution' : 'berth';

/** Media types used by the hand-made OCI layout. */
export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

/** Result of a finished command. */
export interface ShResult {
  stdout: string;
  stderr: string;
  /** Exact stdout bytes (for hashing manifests). */
  raw: Buffer;
}

/** Options for sh(). */
export interface ShOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the command after this many ms (default 120 s). */
  timeoutMs?: number;
}

/** Error thrown by sh() when a command fails; carries its output. */
export class ShError extends Error {
  constructor(
    message: string,
    readonly code: number | string | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'ShError';
  }
}

/** Run a command without a shell; resolve with its output, throw ShError with stderr on failure. */
export function sh(cmd: string, args: readonly string[], opts: ShOptions = {}): Promise<ShResult> {
  const timeout = opts.timeoutMs ?? 120_000;
  return new Promise((resolvePromise, reject) => {
    execFile(
      cmd,
      args,
      {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        timeout,
        killSignal: 'SIGKILL',
        maxBuffer: 256 * 1024 * 1024,
        encoding: 'buffer',
      },
      (error, stdoutBuf, stderrBuf) => {
        const stdout = stdoutBuf.toString('utf8');
        const stderr = stderrBuf.toString('utf8');
        if (error) {
          const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
          const how = e.killed ? `killed after ${timeout} ms` : `exit code ${String(e.code)}`;
          const msg =
            `command failed (${how}): ${cmd} ${args.join(' ')}\n` + `--- stderr ---\n${tail(stderr)}\n--- stdout ---\n${tail(stdout)}`;
          reject(new ShError(msg, e.code ?? null, stdout, stderr));
          return;
        }
        resolvePromise({ stdout, stderr, raw: stdoutBuf });
      },
    );
  });
}

function tail(text: string, max = 4000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

/** Run the docker client against the private dockerd (DOCKER_HOST). */
export function docker(...args: string[]): Promise<ShResult> {
  return sh(DOCKER_BIN, args, { env: { ...process.env, DOCKER_HOST } });
}

/** Run skopeo with --insecure-policy (no /etc/containers/policy.json needed). */
export function skopeo(...args: string[]): Promise<ShResult> {
  return sh('skopeo', ['--insecure-policy', ...args]);
}

/** Expect a command to fail; return its error (throws if it succeeded). */
export async function shFails(p: Promise<unknown>): Promise<ShError> {
  try {
    const r = await p;
    throw new Error(`command unexpectedly succeeded: ${tail(JSON.stringify(r) ?? '')}`);
  } catch (err) {
    if (err instanceof ShError) return err;
    throw err;
  }
}

/** sha256 of some bytes, as an OCI digest string. */
export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Ask the kernel for a currently free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('no port'));
        return;
      }
      const { port } = addr;
      srv.close(() => resolvePromise(port));
    });
  });
}

/** Make a fresh temp directory under the e2e state dir (or the OS temp dir). */
export async function makeTempDir(prefix: string): Promise<string> {
  const base = existsSync(STATE_DIR) ? join(STATE_DIR, 'tmp') : tmpdir();
  await mkdir(base, { recursive: true });
  return mkdtemp(join(base, `${prefix}-`));
}

/** Remove a directory tree, ignoring errors. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

/** A registry process started by startBerth() or startDistribution(). */
export interface RunningRegistry {
  /** Which implementation is running. */
  kind: 'berth' | 'distribution';
  /** Base URL, e.g. http://127.0.0.1:5000 */
  url: string;
  port: number;
  /** host:port, as used in image references. */
  host: string;
  /** Storage root directory. */
  root: string;
  /** File capturing the process's stdout and stderr. */
  logFile: string;
  /** Current log contents (for failure messages). */
  log(): Promise<string>;
  /** Stop the process (TERM, then KILL after 10 s); idempotent. */
  stop(): Promise<void>;
  /** Send the process a signal (SIGHUP re-reads Berth's run-time switches). */
  signal(name: NodeJS.Signals): void;
}

/** Options for startBerth(). */
export interface BerthOptions {
  root: string;
  port?: number;
  /** Extra environment (e.g. more BERTH_* settings). */
  env?: Record<string, string>;
  /** Storage settings replacing the filesystem root (e.g. BERTH_STORAGE_S3_*); `root` then only holds scratch. */
  storageEnv?: Record<string, string>;
  /** Readiness timeout in ms (default 60 s). */
  readyTimeoutMs?: number;
  /** Address to listen on and to put in image references (default 127.0.0.1). */
  listenHost?: string;
  /** Serves HTTPS: URLs use https:// and readiness is checked by `ready`. */
  https?: boolean;
  /** Readiness check replacing "GET /v2/ answers 200" (for TLS or auth). */
  ready?: (url: string) => Promise<boolean>;
}

/** Start Berth (`node --import tsx src/main.ts serve`) on 127.0.0.1 and wait for GET /v2/ = 200. */
export async function startBerth(opts: BerthOptions): Promise<RunningRegistry> {
  if (TARGET === 'distribution') {
    return startDistribution({ root: opts.root, port: opts.port });
  }
  const port = opts.port ?? (await freePort());
  await mkdir(opts.root, { recursive: true });
  const scratchDir = await makeTempDir('berth');
  const logFile = join(scratchDir, 'berth.log');
  // Berth reads every BERTH_* variable as configuration: pass only the ones meant for it.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('BERTH_')) env[k] = v;
  }
  Object.assign(env, {
    BERTH_HTTP_ADDR: `${opts.listenHost ?? '127.0.0.1'}:${port}`,
    ...(opts.storageEnv ?? { BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: opts.root }),
    BERTH_STORAGE_DELETE_ENABLED: 'true',
    ...opts.env,
  });
  return launch({
    kind: 'berth',
    cmd: process.execPath,
    args: ['--import', 'tsx', join('src', 'main.ts'), 'serve'],
    cwd: REPO_ROOT,
    env,
    port,
    root: opts.root,
    logFile,
    readyTimeoutMs: opts.readyTimeoutMs ?? 60_000,
    scratchDir,
    listenHost: opts.listenHost,
    https: opts.https,
    ready: opts.ready,
  });
}

/** Options for startDistribution(). */
export interface DistributionOptions {
  root: string;
  port?: number;
  readyTimeoutMs?: number;
  listenHost?: string;
  /** Serve HTTPS with this certificate and key. */
  tls?: { certificate: string; key: string };
  /** Extra top-level YAML lines (e.g. an `auth:` section). */
  extraConfig?: string[];
  ready?: (url: string) => Promise<boolean>;
}

/** Path of the Distribution 2.8.2 binary (Debian package docker-registry). */
export const DISTRIBUTION_BIN = '/usr/bin/docker-registry';

/** Start Distribution (`docker-registry serve config.yml`) on 127.0.0.1 and wait for /v2/. */
export async function startDistribution(opts: DistributionOptions): Promise<RunningRegistry> {
  const port = opts.port ?? (await freePort());
  await mkdir(opts.root, { recursive: true });
  const dir = await makeTempDir('distribution');
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(opts.root)}`,
      '  delete:',
      '    enabled: true',
      '  maintenance:',
      '    uploadpurging:',
      '      enabled: false',
      'http:',
      `  addr: ${opts.listenHost ?? '127.0.0.1'}:${port}`,
      ...(opts.tls
        ? ['  tls:', `    certificate: ${JSON.stringify(opts.tls.certificate)}`, `    key: ${JSON.stringify(opts.tls.key)}`]
        : []),
      ...(opts.extraConfig ?? []),
      '',
    ].join('\n'),
  );
  return launch({
    kind: 'distribution',
    cmd: DISTRIBUTION_BIN,
    args: ['serve', config],
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    port,
    root: opts.root,
    logFile: join(dir, 'registry.log'),
    readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
    scratchDir: dir,
    listenHost: opts.listenHost,
    https: opts.tls !== undefined,
    ready: opts.ready,
  });
}

interface LaunchSpec {
  kind: RunningRegistry['kind'];
  cmd: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  port: number;
  root: string;
  logFile: string;
  readyTimeoutMs: number;
  /** Scratch directory (config, log) removed once the process has stopped. */
  scratchDir: string;
  listenHost?: string;
  https?: boolean;
  ready?: (url: string) => Promise<boolean>;
}

/** Registry processes still running: killed if the test process exits without stopping them. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

async function launch(spec: LaunchSpec): Promise<RunningRegistry> {
  const fd = openSync(spec.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.cmd, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  liveChildren.add(child);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitPromise = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      exited = { code, signal };
      resolveExit();
    });
    child.once('error', (err) => {
      liveChildren.delete(child);
      exited = { code: -1, signal: null };
      void writeFile(spec.logFile, `spawn error: ${err.message}\n`, { flag: 'a' });
      resolveExit();
    });
  });
  const host = `${spec.listenHost ?? '127.0.0.1'}:${spec.port}`;
  const url = `${spec.https ? 'https' : 'http'}://${host}`;
  const log = async (): Promise<string> => {
    const text = await readFile(spec.logFile, 'utf8').catch(() => '');
    if (exited === null) return text;
    const { code, signal } = exited as { code: number | null; signal: NodeJS.Signals | null };
    return `${text}\n[process exited: code ${String(code)}, signal ${String(signal)}]`;
  };
  const stop = async (): Promise<void> => {
    if (exited === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(timer);
    }
    await removeDir(spec.scratchDir);
  };
  const reg: RunningRegistry = {
    kind: spec.kind,
    url,
    port: spec.port,
    host,
    root: spec.root,
    logFile: spec.logFile,
    log,
    stop,
    signal: (name) => void child.kill(name),
  };

  const deadline = Date.now() + spec.readyTimeoutMs;
  let lastError = '';
  for (;;) {
    let failure = '';
    if (exited !== null) {
      failure = `${spec.kind} exited before it was ready: ${spec.cmd} ${spec.args.join(' ')}`;
    } else {
      try {
        if (spec.ready) {
          if (await spec.ready(url)) return reg;
          lastError = 'readiness check failed';
        } else {
          const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(2_000) });
          await res.arrayBuffer();
          if (res.status === 200) return reg;
          lastError = `GET /v2/ answered ${res.status}`;
        }
      } catch (err) {
        lastError = String(err);
      }
      if (Date.now() > deadline) {
        failure = `${spec.kind} not ready on ${url} after ${spec.readyTimeoutMs} ms (${lastError})`;
      }
    }
    if (failure) {
      const text = await log();
      await stop();
      throw new Error(`${failure}\n--- log (cwd ${spec.cwd}) ---\n${tail(text)}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Fetch JSON from a registry URL path; throws on non-2xx. */
export async function getJson<T = unknown>(url: string): Promise<{ body: T; headers: Headers }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url} -> ${res.status}: ${text}`);
  return { body: JSON.parse(text) as T, headers: res.headers };
}

/** Subset of `docker image inspect` output used by the tests. */
export interface DockerImageInfo {
  Id: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Architecture: string;
  Os: string;
  RootFS: { Type: string; Layers: string[] };
}

/** `docker image inspect` of one image. */
export async function inspectImage(ref: string): Promise<DockerImageInfo> {
  const { stdout } = await docker('image', 'inspect', ref);
  const list = JSON.parse(stdout) as DockerImageInfo[];
  const first = list[0];
  if (!first) throw new Error(`docker image inspect ${ref}: empty answer`);
  return first;
}

/** Does the local dockerd have this image? */
export async function imageExists(ref: string): Promise<boolean> {
  try {
    await docker('image', 'inspect', '--format', '{{.Id}}', ref);
    return true;
  } catch {
    return false;
  }
}

/** Remove images by reference or ID, ignoring the ones already gone. */
export async function removeImages(...refs: string[]): Promise<void> {
  for (const ref of refs) {
    if (await imageExists(ref)) {
      await docker('rmi', '-f', ref).catch(() => undefined);
    }
  }
}

/** Remove an image and every tag pointing at it; return the tags that were removed. */
export async function removeImageCompletely(id: string): Promise<string[]> {
  if (!(await imageExists(id))) return [];
  const info = await inspectImage(id);
  const tags = info.RepoTags ?? [];
  for (const tag of tags) await docker('rmi', tag);
  if (await imageExists(id)) await docker('rmi', id);
  return tags;
}

/** Path of the static busybox used for the base image (busybox-static package). */
export const BUSYBOX = process.env.E2E_BUSYBOX ?? '/bin/busybox';

/**
 * Write a minimal busybox root filesystem into `dir`: /bin/busybox plus a symlink per applet,
 * /etc/passwd, /etc/group, /tmp. Returns the applets linked.
 */
export async function writeBusyboxRootfs(dir: string): Promise<string[]> {
  for (const d of ['bin', 'etc', 'tmp', 'root', 'proc', 'sys', 'dev']) {
    await mkdir(join(dir, d), { recursive: true });
  }
  await chmod(join(dir, 'tmp'), 0o1777);
  await copyFile(BUSYBOX, join(dir, 'bin', 'busybox'));
  await chmod(join(dir, 'bin', 'busybox'), 0o755);
  const { stdout } = await sh(BUSYBOX, ['--list']);
  const applets = stdout
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'busybox');
  for (const applet of applets) {
    if (applet.includes('/')) continue;
    await symlink('busybox', join(dir, 'bin', applet));
  }
  await writeFile(join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(join(dir, 'etc', 'group'), 'root:x:0:\n');
  return applets;
}

/** Create an uncompressed, reproducible tar of a directory's contents with GNU tar. */
export async function tarDirectory(dir: string): Promise<Buffer> {
  const { raw } = await sh('tar', [
    '--sort=name',
    '--mtime=@0',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--format=gnu',
    '-C',
    dir,
    '-cf',
    '-',
    '.',
  ]);
  return raw;
}

/**
 * Make sure the internet-free base image exists in dockerd: `docker import` of a busybox-static
 * rootfs tar, tagged BASE_IMAGE. Returns its image ID.
 */
export async function ensureBaseImage(tag: string = BASE_IMAGE): Promise<string> {
  if (await imageExists(tag)) return (await inspectImage(tag)).Id;
  const work = await makeTempDir('base');
  try {
    const rootfs = join(work, 'rootfs');
    await writeBusyboxRootfs(rootfs);
    const tarPath = join(work, 'rootfs.tar');
    await writeFile(tarPath, await tarDirectory(rootfs));
    await docker('import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["/bin/sh"]', tarPath, tag);
    return (await inspectImage(tag)).Id;
  } finally {
    await removeDir(work);
  }
}

/** Options for buildMultiLayerImage(). */
export interface BuildOptions {
  /** Local tag for the built image, e.g. berth-e2e/app:docker-test */
  tag: string;
  /** Sizes in bytes of the random files, one COPY layer each (default 2, 1, 3 MiB). */
  fileSizes?: number[];
  /** Add a RUN layer (default true; E2E_NO_RUN=1 turns it off everywhere). */
  run?: boolean;
}

/** A built image and what the tests need to know about it. */
export interface BuiltImage {
  tag: string;
  id: string;
  /** RootFS diff IDs, base first. */
  layers: string[];
  /** Random token baked into the image (label, /data/stamp when RUN is on). */
  nonce: string;
  /** Whether a RUN step is part of the image. */
  hasRun: boolean;
}

/**
 * Build a multi-layer image FROM the busybox base with `docker build --network host`:
 * one COPY layer per random file, then (optionally) a RUN layer that writes /data/stamp and
 * /data/SHA256SUMS so a pulled image can verify its own content.
 */
export async function buildMultiLayerImage(opts: BuildOptions): Promise<BuiltImage> {
  await ensureBaseImage();
  const sizes = opts.fileSizes ?? [2 * 1024 * 1024, 1024 * 1024, 3 * 1024 * 1024];
  const hasRun = (opts.run ?? true) && process.env.E2E_NO_RUN !== '1';
  const nonce = randomBytes(8).toString('hex');
  const ctx = await makeTempDir('build');
  try {
    const lines = [`FROM ${BASE_IMAGE}`, `LABEL org.berth.e2e.nonce=${nonce}`];
    for (const [i, size] of sizes.entries()) {
      const name = `f${i}.bin`;
      await writeFile(join(ctx, name), randomBytes(size));
      lines.push(`COPY ${name} /data/${name}`);
    }
    if (hasRun) {
      lines.push(`RUN echo ${nonce} > /data/stamp && cd /data && sha256sum *.bin > SHA256SUMS`);
    } else {
      await writeFile(join(ctx, 'stamp'), `${nonce}\n`);
      lines.push('COPY stamp /data/stamp');
    }
    lines.push('CMD ["/bin/cat", "/data/stamp"]', '');
    await writeFile(join(ctx, 'Dockerfile'), lines.join('\n'));
    await docker('build', '--network', 'host', '--rm', '--force-rm', '-t', opts.tag, ctx);
    const info = await inspectImage(opts.tag);
    return { tag: opts.tag, id: info.Id, layers: info.RootFS.Layers, nonce, hasRun };
  } finally {
    await removeDir(ctx);
  }
}

/** Run a container from an image and return its stdout (removes the container). */
export async function runImage(image: string, ...cmd: string[]): Promise<string> {
  const { stdout } = await docker('run', '--rm', '--network', 'none', image, ...cmd);
  return stdout;
}

/** Parse `docker push` output into { short diffID/blob prefix → status line }. */
export function parseProgress(output: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of output.split('\n')) {
    const m = /^([0-9a-f]{12}): (.+)$/.exec(line.trim());
    if (m && m[1] && m[2]) out.set(m[1], m[2]);
  }
  return out;
}

/** First 12 hex characters of a digest, as docker prints it. */
export function short(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

/** One platform image in a hand-made OCI layout. */
export interface OciPlatformImage {
  os: string;
  architecture: string;
  variant?: string;
  /** Manifest digest and size. */
  digest: string;
  size: number;
  configDigest: string;
  /** Compressed layer digests. */
  layerDigests: string[];
  /** Uncompressed layer digests (config rootfs.diff_ids). */
  diffIds: string[];
}

/** A hand-made OCI image layout with a multi-arch index and a single-arch image. */
export interface OciLayout {
  dir: string;
  /** Tag (ref.name) of the image index. */
  indexTag: string;
  /** Tag (ref.name) of the linux/amd64 image alone. */
  singleTag: string;
  indexDigest: string;
  indexSize: number;
  platforms: OciPlatformImage[];
  /** Transport reference for skopeo, e.g. oci:/tmp/x:multi */
  ref(tag: string): string;
}

/**
 * Write an OCI image layout by hand: blobs/sha256/*, oci-layout, index.json holding
 *  - `indexTag` → an image index with linux/amd64 and linux/arm64/v8 manifests, and
 *  - `singleTag` → the linux/amd64 manifest alone.
 * Each platform has a config and two gzip layers: one shared by both platforms and one of its
 * own (the amd64 one carries busybox so `docker run` works on it). Content is random per call.
 */
export async function buildOciLayout(
  dir: string,
  opts: { indexTag?: string; singleTag?: string; randomBytes?: number } = {},
): Promise<OciLayout> {
  const indexTag = opts.indexTag ?? 'multi';
  const singleTag = opts.singleTag ?? 'single';
  const nRandom = opts.randomBytes ?? 512 * 1024;
  const blobDir = join(dir, 'blobs', 'sha256');
  await mkdir(blobDir, { recursive: true });
  const putBlob = async (data: Buffer): Promise<{ digest: string; size: number }> => {
    const digest = sha256(data);
    await writeFile(join(blobDir, digest.slice('sha256:'.length)), data);
    return { digest, size: data.length };
  };
  const scratch = await makeTempDir('oci-src');
  try {
    const makeLayer = async (
      name: string,
      fill: (root: string) => Promise<void>,
    ): Promise<{ digest: string; size: number; diffId: string }> => {
      const root = join(scratch, name);
      await mkdir(root, { recursive: true });
      await fill(root);
      const tar = await tarDirectory(root);
      const gz = gzipSync(tar, { level: 6 });
      const blob = await putBlob(gz);
      return { ...blob, diffId: sha256(tar) };
    };
    const nonce = randomBytes(8).toString('hex');
    const shared = await makeLayer('shared', async (root) => {
      await mkdir(join(root, 'etc'), { recursive: true });
      await mkdir(join(root, 'data'), { recursive: true });
      await writeFile(join(root, 'etc', 'berth-e2e'), `${nonce}\n`);
      await writeFile(join(root, 'data', 'shared.bin'), randomBytes(nRandom));
    });
    const specs = [
      { os: 'linux', architecture: 'amd64' as string, variant: undefined as string | undefined },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ];
    const platforms: OciPlatformImage[] = [];
    const descriptors: object[] = [];
    for (const p of specs) {
      const own = await makeLayer(`own-${p.architecture}`, async (root) => {
        await mkdir(join(root, 'etc'), { recursive: true });
        await mkdir(join(root, 'data'), { recursive: true });
        await writeFile(join(root, 'etc', 'berth-arch'), `${p.architecture}\n`);
        await writeFile(join(root, 'data', `${p.architecture}.bin`), randomBytes(nRandom));
        if (p.architecture === 'amd64') await writeBusyboxRootfs(root);
      });
      const layers = [shared, own];
      const config = Buffer.from(
        JSON.stringify({
          created: '1970-01-01T00:00:00Z',
          architecture: p.architecture,
          ...(p.variant ? { variant: p.variant } : {}),
          os: p.os,
          config: { Env: ['PATH=/bin'], Cmd: ['/bin/cat', '/etc/berth-arch'], Labels: { 'org.berth.e2e.nonce': nonce } },
          rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
          history: layers.map((_, i) => ({ created: '1970-01-01T00:00:00Z', created_by: `berth-e2e layer ${i}` })),
        }),
      );
      const configBlob = await putBlob(config);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA.ociManifest,
          config: { mediaType: MEDIA.ociConfig, digest: configBlob.digest, size: configBlob.size },
          layers: layers.map((l) => ({ mediaType: MEDIA.ociLayerGzip, digest: l.digest, size: l.size })),
        }),
      );
      const m = await putBlob(manifest);
      const platform = { os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) };
      platforms.push({
        ...platform,
        digest: m.digest,
        size: m.size,
        configDigest: configBlob.digest,
        layerDigests: layers.map((l) => l.digest),
        diffIds: layers.map((l) => l.diffId),
      });
      descriptors.push({ mediaType: MEDIA.ociManifest, digest: m.digest, size: m.size, platform });
    }
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: descriptors }));
    const idx = await putBlob(index);
    const amd64 = platforms[0];
    if (!amd64) throw new Error('no amd64 platform');
    await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeFile(
      join(dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.ociIndex,
        manifests: [
          {
            mediaType: MEDIA.ociIndex,
            digest: idx.digest,
            size: idx.size,
            annotations: { 'org.opencontainers.image.ref.name': indexTag },
          },
          {
            mediaType: MEDIA.ociManifest,
            digest: amd64.digest,
            size: amd64.size,
            annotations: { 'org.opencontainers.image.ref.name': singleTag },
          },
        ],
      }),
    );
    return {
      dir,
      indexTag,
      singleTag,
      indexDigest: idx.digest,
      indexSize: idx.size,
      platforms,
      ref: (tag: string) => `oci:${dir}:${tag}`,
    };
  } finally {
    await removeDir(scratch);
  }
}

/** `skopeo inspect --raw` of a registry image: the exact manifest bytes and their digest. */
export async function rawManifest(reference: string): Promise<{ bytes: Buffer; digest: string; json: Record<string, unknown> }> {
  const { raw } = await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${reference}`);
  return { bytes: raw, digest: sha256(raw), json: JSON.parse(raw.toString('utf8')) as Record<string, unknown> };
}

/** Subset of `skopeo inspect` output used by the tests. */
export interface SkopeoInspect {
  Name: string;
  Digest: string;
  Architecture: string;
  Os: string;
  Layers: string[];
  RepoTags?: string[];
}

/** `skopeo inspect` of a registry image, optionally for one platform of an index. */
export async function inspectRemote(
  reference: string,
  platform?: { os?: string; architecture: string; variant?: string },
): Promise<SkopeoInspect> {
  const args = ['inspect', '--tls-verify=false', '--no-tags'];
  if (platform) {
    args.push('--override-os', platform.os ?? 'linux', '--override-arch', platform.architecture);
    if (platform.variant) args.push('--override-variant', platform.variant);
  }
  args.push(`docker://${reference}`);
  const { stdout } = await skopeo(...args);
  return JSON.parse(stdout) as SkopeoInspect;
}

/** `skopeo list-tags` of a registry repository. */
export async function listTags(repository: string): Promise<string[]> {
  const { stdout } = await skopeo('list-tags', '--tls-verify=false', `docker://${repository}`);
  return (JSON.parse(stdout) as { Tags: string[] }).Tags;
}

/** `skopeo copy` between two transports; `all` copies every platform of an index. */
export async function skopeoCopy(src: string, dest: string, opts: { all?: boolean } = {}): Promise<ShResult> {
  const args = ['copy', '--src-tls-verify=false', '--dest-tls-verify=false', '--retry-times', '0'];
  if (opts.all) args.push('--all');
  args.push(src, dest);
  return skopeo(...args);
}

/** Read the top-level descriptor for `tag` from an OCI layout's index.json. */
export async function layoutDescriptor(dir: string, tag: string): Promise<{ mediaType: string; digest: string; size: number }> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
    manifests: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[];
  };
  const found = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!found) throw new Error(`tag ${tag} not in ${dir}/index.json`);
  return found;
}

/** Check every blob file in an OCI layout hashes to its name; return how many were checked. */
export async function verifyLayoutBlobs(dir: string): Promise<number> {
  const blobDir = join(dir, 'blobs', 'sha256');
  let n = 0;
  for (const name of await readdir(blobDir)) {
    const data = await readFile(join(blobDir, name));
    const digest = sha256(data);
    if (digest !== `sha256:${name}`) throw new Error(`blob ${name} hashes to ${digest}`);
    n++;
  }
  return n;
}

/** Verbose failure context: append a registry's log to an error message. */
export async function withLogs<T>(regs: RunningRegistry[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const logs = await Promise.all(regs.map(async (r) => `--- ${r.kind} ${r.host} log ---\n${tail(await r.log(), 3000)}`));
    if (err instanceof Error) {
      err.message += `\n${logs.join('\n')}`;
      throw err;
    }
    throw new Error(`${String(err)}\n${logs.join('\n')}`);
  }
}
