/**
 * The hostile-load suite: Berth as a child process on disk storage, thousands of malformed
 * requests over raw loopback sockets (names, references, digests, ranges, Content-Range,
 * Content-Length lies, aborted bodies, manifests, query parameters, methods, headers,
 * pipelining). It must answer no request with a 5xx, leave no connection hanging past 10 s,
 * change no stored file, log no error (a client going away is not one), and keep its resident
 * memory under 200 MB. HOSTILE_CASES and HOSTILE_SEED change the count and the draw.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBerthProcess, type BerthProcess } from '../helpers/berth-process.js';
import { bundleServer } from './bundle.js';
import { makeCases, type Seeded } from './cases.js';
import { Rng, SCRATCH } from './pools.js';
import { runCase, type RawCase, type RawResult } from './raw-client.js';

const CASES = Number(process.env['HOSTILE_CASES'] ?? 6000);
const SEED = Number(process.env['HOSTILE_SEED'] ?? 20261130);
const CONCURRENCY = 12;
const HANG_MS = 10_000;
const RSS_LIMIT_MB = 200;

/** sha256 of every file under `dir`, by path relative to it. */
async function hashTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    out.set(
      relative(dir, path),
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    );
  }
  return out;
}

/** Resident memory of `pid` in MB (0 once it is gone). */
function rssMb(pid: number): number {
  try {
    const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return kib / 1024;
  } catch {
    return 0;
  }
}

/** Store an image in `name` over HTTP (blob, config, manifest, tag) and open upload sessions. */
async function seed(url: string): Promise<Seeded> {
  const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const push = async (name: string, data: Buffer): Promise<string> => {
    const digest = digestOf(data);
    const res = await fetch(`${url}/v2/${name}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: new Uint8Array(data) });
    assert.equal(res.status, 201);
    return digest;
  };
  const repository = 'keep/app';
  const layer = Buffer.alloc(4096, 9);
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const blob = await push(repository, layer);
  const configDigest = await push(repository, config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: blob, size: layer.length }],
  });
  const put = await fetch(`${url}/v2/${repository}/manifests/v1`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  });
  assert.equal(put.status, 201);
  const uploads: string[] = [];
  for (const name of SCRATCH) {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${url}/v2/${name}/blobs/uploads/`, { method: 'POST' });
      uploads.push(new URL(res.headers.get('location')!).pathname);
    }
  }
  return { repository, tag: 'v1', blob, manifest: digestOf(Buffer.from(manifest)), uploads };
}

/** Run `cases` with `CONCURRENCY` connections at a time. */
async function runAll(port: number, cases: RawCase[]): Promise<Array<RawResult & { kind: string; request: string }>> {
  const results: Array<RawResult & { kind: string; request: string }> = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      const request = Buffer.concat(c.pieces).subarray(0, 160).toString('latin1');
      results.push({ kind: c.kind, request, ...(await runCase(port, c, HANG_MS)) });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results;
}

describe('hostile load', () => {
  let dir: string;
  let berth: BerthProcess;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-hostile-'));
    // The web UI off: unbuilt (npm test does not build it), it answers 503 by design.
    berth = await startBerthProcess(
      { BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: join(dir, 'data'), BERTH_UI_ENABLED: 'false' },
      await bundleServer(),
    );
  });
  after(async () => {
    await berth?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    `${CASES} malformed requests: no 5xx, no hang, stored data unchanged, bounded memory, no error logged`,
    { timeout: 180_000 },
    async () => {
      const seeded = await seed(berth.url);
      const store = join(dir, 'data', 'docker');
      const before = await hashTree(store);
      const port = Number(new URL(berth.url).port);
      let peak = rssMb(berth.pid);
      const baseline = peak;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(berth.pid))), 100);
      const results = await runAll(port, makeCases(new Rng(SEED), seeded, CASES)).finally(() => clearInterval(sampler));
      peak = Math.max(peak, rssMb(berth.pid));

      const answered = results.reduce((n, r) => n + r.statuses.length, 0);
      const byKind = new Map<string, number>();
      for (const r of results) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + r.statuses.length);
      console.log(
        `hostile load: ${results.length} connections, ${answered} answers, peak RSS ${peak.toFixed(0)} MB (${baseline.toFixed(0)} MB before, ${rssMb(berth.pid).toFixed(0)} MB after), seed ${SEED}`,
      );
      console.log(`answers by kind: ${JSON.stringify(Object.fromEntries(byKind))}`);
      const failed = results.filter((r) => r.statuses.some((s) => s >= 500));
      assert.deepEqual(failed.slice(0, 10), [], `${failed.length} connections got a 5xx`);
      const hung = results.filter((r) => r.hung);
      assert.deepEqual(hung.slice(0, 10), [], `${hung.length} connections hung past ${HANG_MS} ms`);
      assert.ok(answered >= 5000, `only ${answered} answers`);

      // Still serving, and every file stored before is there, byte for byte.
      const get = await fetch(`${berth.url}/v2/${seeded.repository}/manifests/${seeded.tag}`);
      assert.equal(get.status, 200);
      assert.equal(get.headers.get('docker-content-digest'), seeded.manifest);
      const afterLoad = await hashTree(store);
      for (const [path, hash] of before) assert.equal(afterLoad.get(path), hash, `stored file changed or gone: ${path}`);
      const outside = [...afterLoad.keys()].filter(
        (p) => !before.has(p) && !p.includes('/_uploads/') && !SCRATCH.some((s) => p.includes(`/${s}/`)),
      );
      assert.deepEqual(outside, [], 'files written outside upload sessions and scratch repositories');

      assert.ok(peak < RSS_LIMIT_MB, `peak RSS ${peak.toFixed(0)} MB (limit ${RSS_LIMIT_MB})`);
      const errors = berth
        .stderr()
        .split('\n')
        .filter((l) => l.includes('"level":"error"'));
      assert.deepEqual(errors.slice(0, 5), [], `${errors.length} error lines logged`);
    },
  );
});
