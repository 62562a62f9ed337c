/**
 * S3 throughput: push and pull one large blob (256 MiB by default) through a Berth process
 * on S3 storage (a local s3rver), pulled both through Berth and by following the presigned
 * redirect; the same through the filesystem driver for comparison. Digests are verified.
 * Run: npm run bench:s3 [-- --mib 256]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startS3rver } from '../test/helpers/s3rver.js';
import { call, rss, source } from './stream-http.js';

const { values } = parseArgs({ options: { mib: { type: 'string', default: '256' } } });
const size = Math.round(Number(values.mib) * 2 ** 20);
const block = randomBytes(1 << 20);

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Start `node dist/main.js serve` with `env` and wait for GET /v2/. */
async function berth(env: Record<string, string>): Promise<{ base: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['dist/main.js', 'serve'], {
    env: { PATH: process.env.PATH, BERTH_HTTP_ADDR: `127.0.0.1:${port}`, BERTH_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await call('GET', `${base}/v2/`).catch(() => ({ status: 0 }))).status === 200) return { base, proc };
    if (i > 200) throw new Error('berth did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Push the blob to `base` and pull it back (following a redirect when one comes); MiB/s each. */
async function run(label: string, base: string, pid: number, digest: string): Promise<void> {
  const mib = size / 2 ** 20;
  let peak = await rss(pid);
  const sampler = setInterval(() => void rss(pid).then((v) => (peak = Math.max(peak, v))), 50);
  let t = performance.now();
  const started = await call('POST', `${base}/v2/bench/s3/blobs/uploads/`);
  const patched = await call(
    'PATCH',
    String(started.headers['location']),
    { 'Content-Type': 'application/octet-stream' },
    source(size, block),
  );
  const done = await call('PUT', `${String(patched.headers['location'])}?digest=${digest}`);
  const push = mib / ((performance.now() - t) / 1000);
  if (done.status !== 201) throw new Error(`${label}: push failed: ${done.status}`);
  t = performance.now();
  let pulled = await call('GET', `${base}/v2/bench/s3/blobs/${digest}`);
  const redirected = pulled.status === 307;
  if (redirected) pulled = await call('GET', String(pulled.headers['location']));
  const pull = mib / ((performance.now() - t) / 1000);
  clearInterval(sampler);
  if (pulled.status !== 200 || pulled.digest !== digest || pulled.bytes !== size) throw new Error(`${label}: pull returned other bytes`);
  const how = redirected ? 'pull via 307 to S3' : 'pull through Berth';
  console.log(
    `${label.padEnd(28)} push ${push.toFixed(0).padStart(4)} MiB/s   ${how} ${pull.toFixed(0).padStart(4)} MiB/s   peak RSS ${peak.toFixed(0)} MiB`,
  );
}

async function main(): Promise<void> {
  const expected = createHash('sha256');
  for (let sent = 0; sent < size; sent += block.length) expected.update(block.subarray(0, Math.min(block.length, size - sent)));
  const digest = `sha256:${expected.digest('hex')}`;
  console.log(`blob ${size / 2 ** 20} MiB, s3rver 3.7 on 127.0.0.1, default chunksize (10 MiB)`);
  const s3 = await startS3rver();
  const root = await mkdtemp(join(tmpdir(), 'berth-bench-s3-'));
  const s3env = (extra: Record<string, string>) => ({
    BERTH_STORAGE_S3_BUCKET: s3.bucket,
    BERTH_STORAGE_S3_ENDPOINT: s3.endpoint,
    BERTH_STORAGE_S3_FORCEPATHSTYLE: 'true',
    BERTH_STORAGE_S3_ACCESSKEY: 'S3RVER',
    BERTH_STORAGE_S3_SECRETKEY: 'S3RVER',
    ...extra,
  });
  const procs: ChildProcess[] = [];
  try {
    for (const [label, env] of [
      ['s3, redirect off', s3env({ BERTH_STORAGE_S3_REDIRECT: 'false', BERTH_STORAGE_S3_ROOTDIRECTORY: '/a' })],
      ['s3, redirect on (default)', s3env({ BERTH_STORAGE_S3_ROOTDIRECTORY: '/b' })],
      ['filesystem (comparison)', { BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: root }],
    ] as const) {
      const { base, proc } = await berth(env);
      procs.push(proc);
      await run(label, base, proc.pid!, digest);
      proc.kill('SIGTERM');
    }
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await s3.cleanup();
    await rm(root, { recursive: true, force: true });
  }
}

await main();
