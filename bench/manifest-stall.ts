/**
 * Big manifests against the event loop: PUT a ~3.6 MB image manifest with 24,000 layer
 * descriptors to Berth and to Distribution, and meanwhile send `GET /v2/` back to back on
 * another connection. The slowest of those small requests is how long the server stopped
 * answering (the loop stall); the peak RSS during the PUT and the RSS a few seconds after it
 * show what the manifest cost in memory and whether it came back.
 *
 *   missing     24,000 distinct layer digests, none pushed: refused (400 MANIFEST_BLOB_UNKNOWN)
 *   one-layer   24,000 descriptors of one pushed layer, storage cache cold: accepted (201)
 *
 * Run: npm run bench:manifest [-- --layers 24000 --rounds 3 --only berth]
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from './client.js';
import { memoryOf } from './rss.js';
import { ensureDistribution, startBerth, startDistribution, type Target } from './servers.js';

const { values } = parseArgs({
  options: { layers: { type: 'string', default: '24000' }, rounds: { type: 'string', default: '3' }, only: { type: 'string' } },
});
const LAYERS = Number(values.layers);
const ROUNDS = Number(values.rounds);
const MT_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const MT_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const MT_CONFIG = 'application/vnd.oci.image.config.v1+json';

const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** What one PUT did to the server. */
interface Row {
  status: number;
  putMs: number;
  /** Slowest GET /v2/ answered while the PUT was in flight. */
  stallMs: number;
  probes: number;
  peakRssMiB: number;
  /** RSS 5 s after the PUT (memory that came back, or not). */
  afterRssMiB: number;
  errorBytes: number;
}

async function push(c: Client, repo: string, data: Buffer): Promise<string> {
  const digest = sha(data);
  // POST then PUT with the bytes: Distribution 2.8 answers a monolithic POST with a session.
  const started = await c.send({ method: 'POST', path: `/v2/${repo}/blobs/uploads/` });
  const location = String(started.headers['location']);
  const url = `${location}${location.includes('?') ? '&' : '?'}digest=${digest}`;
  const res = await c.send({ method: 'PUT', path: url, headers: { 'Content-Type': 'application/octet-stream' }, body: data });
  if (res.status !== 201) throw new Error(`blob push: ${res.status} ${res.body.toString()}`);
  return digest;
}

/** An image manifest of `n` layer descriptors; `layer(i)` gives each one's digest and size. */
function manifest(config: { digest: string; size: number }, n: number, layer: (i: number) => { digest: string; size: number }): Buffer {
  const layers = Array.from({ length: n }, (_, i) => ({ mediaType: MT_LAYER, ...layer(i) }));
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT_MANIFEST, config: { mediaType: MT_CONFIG, ...config }, layers }));
}

/** PUT `body` while probing the server's responsiveness and memory. */
async function measure(t: Target, repo: string, body: Buffer): Promise<Row> {
  const put = new Client(t.url, 1);
  const probe = new Client(t.url, 1);
  let peak = memoryOf(t.pid).rssMiB;
  const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(t.pid).rssMiB)), 20);
  let done = false;
  let stall = 0;
  let probes = 0;
  const prober = (async () => {
    await probe.send({ method: 'GET', path: '/v2/' });
    while (!done) {
      const t0 = performance.now();
      await probe.send({ method: 'GET', path: '/v2/' });
      stall = Math.max(stall, performance.now() - t0);
      probes++;
    }
  })();
  await new Promise((r) => setTimeout(r, 50));
  const t0 = performance.now();
  const res = await put.send({ method: 'PUT', path: `/v2/${repo}/manifests/latest`, headers: { 'Content-Type': MT_MANIFEST }, body });
  const putMs = performance.now() - t0;
  done = true;
  await prober;
  clearInterval(sampler);
  peak = Math.max(peak, memoryOf(t.pid).rssMiB);
  await new Promise((r) => setTimeout(r, 5_000));
  put.close();
  probe.close();
  return {
    status: res.status,
    putMs,
    stallMs: stall,
    probes,
    peakRssMiB: peak,
    afterRssMiB: memoryOf(t.pid).rssMiB,
    errorBytes: res.status >= 400 ? res.body.length : 0,
  };
}

async function scenario(t: Target, name: string, round: number): Promise<Row> {
  const c = new Client(t.url, 1);
  const repo = `stall/${name}-${round}`;
  try {
    const configBytes = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', round, name }));
    const config = { digest: await push(c, repo, configBytes), size: configBytes.length };
    if (name === 'missing') {
      return await measure(
        t,
        repo,
        manifest(config, LAYERS, () => ({ digest: sha(randomBytes(16)), size: 1024 })),
      );
    }
    const layerBytes = randomBytes(1024);
    const layer = { digest: await push(c, repo, layerBytes), size: layerBytes.length };
    // Berth's storage cache trusts a fact for 5 s: wait it out, so the PUT meets a cold cache.
    await new Promise((r) => setTimeout(r, 6_000));
    return await measure(
      t,
      repo,
      manifest(config, LAYERS, () => layer),
    );
  } finally {
    c.close();
  }
}

const fmt = (v: number, d = 0): string => v.toFixed(d);

async function main(): Promise<void> {
  const log = (m: string) => process.stderr.write(`${m}\n`);
  await ensureDistribution(log);
  const work = await mkdtemp(join(tmpdir(), 'berth-stall-'));
  const rows: string[] = [];
  try {
    for (const side of ['berth', 'distribution'] as const) {
      if (values.only && values.only !== side) continue;
      const dir = join(work, side);
      const t = side === 'berth' ? await startBerth(process.cwd(), dir) : await startDistribution(dir);
      try {
        log(`${t.name}: idle RSS ${fmt(memoryOf(t.pid).rssMiB)} MiB`);
        for (const name of ['missing', 'one-layer']) {
          for (let round = 0; round < ROUNDS; round++) {
            const r = await scenario(t, name, round);
            const line = [
              t.name,
              name,
              r.status,
              fmt(r.putMs),
              fmt(r.stallMs, 1),
              r.probes,
              fmt(r.peakRssMiB),
              fmt(r.afterRssMiB),
              r.errorBytes,
            ];
            rows.push(line.join('\t'));
            log(line.join('\t'));
          }
        }
      } finally {
        await t.stop();
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  console.log(`${LAYERS} layer descriptors per manifest, ${ROUNDS} rounds each`);
  console.log(
    ['server', 'manifest', 'status', 'PUT ms', 'max stall ms', 'probes', 'peak RSS MiB', 'RSS +5 s MiB', 'error bytes'].join('\t'),
  );
  for (const r of rows) console.log(r);
}

await main();
