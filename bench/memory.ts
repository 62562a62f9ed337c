/**
 * Memory check: push and pull one large layer (2 GiB by default) through a Berth process
 * and sample the server's resident memory while it happens. Blobs must stream, so the peak
 * stays flat whatever the layer size. Run: npm run bench:memory [-- --gib 2]
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { call, rss, source } from './stream-http.js';

const { values } = parseArgs({ options: { gib: { type: 'string', default: '2' }, port: { type: 'string', default: '5071' } } });
const size = Math.round(Number(values.gib) * 2 ** 30);
const base = `http://127.0.0.1:${values.port}`;

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'berth-mem-'));
  const server = spawn(process.execPath, ['dist/main.js', 'serve'], {
    env: {
      ...process.env,
      BERTH_HTTP_ADDR: `127.0.0.1:${values.port}`,
      BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: root,
      BERTH_LOG_LEVEL: 'warn',
    },
    stdio: 'inherit',
  });
  try {
    for (let i = 0; ; i++) {
      if ((await call('GET', `${base}/v2/`).catch(() => ({ status: 0 }))).status === 200) break;
      if (i > 100) throw new Error('berth did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const pid = server.pid!;
    const idle = await rss(pid);
    let peak = idle;
    const sampler = setInterval(() => void rss(pid).then((v) => (peak = Math.max(peak, v))), 50);

    const block = randomBytes(1 << 20);
    const expected = createHash('sha256');
    for (let sent = 0; sent < size; sent += block.length) expected.update(block.subarray(0, Math.min(block.length, size - sent)));
    const digest = `sha256:${expected.digest('hex')}`;

    let t = performance.now();
    const started = await call('POST', `${base}/v2/bench/mem/blobs/uploads/`);
    const loc = String(started.headers['location']);
    const patched = await call('PATCH', loc, { 'Content-Type': 'application/octet-stream' }, source(size, block));
    const done = await call('PUT', `${String(patched.headers['location'])}?digest=${digest}`);
    const pushS = (performance.now() - t) / 1000;
    const pushPeak = peak;
    if (done.status !== 201) throw new Error(`push failed: ${done.status}`);

    t = performance.now();
    const pulled = await call('GET', `${base}/v2/bench/mem/blobs/${digest}`);
    const pullS = (performance.now() - t) / 1000;
    clearInterval(sampler);
    if (pulled.status !== 200 || pulled.digest !== digest || pulled.bytes !== size) throw new Error('pull returned other bytes');

    const mib = size / 2 ** 20;
    console.log(`layer ${mib} MiB   idle RSS ${idle.toFixed(0)} MiB`);
    console.log(`push  ${(mib / pushS).toFixed(0)} MiB/s   peak RSS ${pushPeak.toFixed(0)} MiB`);
    console.log(`pull  ${(mib / pullS).toFixed(0)} MiB/s   peak RSS ${peak.toFixed(0)} MiB   (digest verified)`);
    if (peak > 150) {
      console.log('FAIL: peak RSS above 150 MiB');
      process.exitCode = 1;
    }
  } finally {
    server.kill('SIGTERM');
    await rm(root, { recursive: true, force: true });
  }
}

await main();
