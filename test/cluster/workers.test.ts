/**
 * Berth with http.workers: 2 as a real process, over disk and over S3 (s3rver): the workers
 * behave as one registry. Every request goes on a new connection, so the kernel's
 * round-robin hands consecutive requests to alternating workers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BerthProcess } from '../helpers/berth-process.js';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub.js';
import { fresh } from '../helpers/fresh-http.js';
import { pushBlob as pushInto, pushManifest } from '../helpers/oci.js';
import { startS3rver, type TestS3 } from '../helpers/s3rver.js';
import { digestOf, manifest, OCI, pushBlob, startWorkers, workerPids } from '../helpers/workers.js';

/** The tag TTL of the `short` upstream: long enough for a few requests, short enough to wait out. */
const SHORT_TTL_MS = 3000;

for (const backend of ['filesystem', 's3'] as const) {
  describe(`http.workers: 2 over ${backend}`, { timeout: 600_000 }, () => {
    let dir: string;
    let s3: TestS3 | undefined;
    let berth: BerthProcess;
    let hub: FakeHub;
    const config = Buffer.from('{"os":"linux","architecture":"amd64"}');
    const layer = randomBytes(4096);

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'berth-workers-'));
      if (backend === 's3') s3 = await startS3rver();
      const storage = s3 ? { s3: s3.config() } : { filesystem: { rootdirectory: join(dir, 'data') } };
      hub = await startFakeHub();
      // Pull-through for hub/*, short/* (a tag TTL of seconds) and counted/* (its counters
      // alone), local pushes everywhere else.
      const upstreams = [
        { name: 'hub', url: hub.url, prefix: 'hub', ttl: '1h' },
        { name: 'short', url: hub.url, prefix: 'short', ttl: `${SHORT_TTL_MS}ms` },
        { name: 'counted', url: hub.url, prefix: 'counted', ttl: '1h' },
      ];
      const proxy = { enabled: true, upstreams, upstream: { retries: 0 } };
      berth = await startWorkers(dir, storage, { proxy });
      await pushBlob(berth.url, 'team/app', config);
      await pushBlob(berth.url, 'team/app', layer);
    });
    after(async () => {
      await berth?.stop();
      await hub?.close();
      await s3?.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    it('200 tag moves are each read back at once on a new connection', async () => {
      for (let i = 0; i < 200; i++) {
        const body = manifest(config, layer, `move ${i}`);
        const put = await fresh(berth.url, 'PUT', '/v2/team/app/manifests/latest', { 'Content-Type': OCI }, body);
        assert.equal(put.status, 201, put.body.toString());
        const get = await fresh(berth.url, 'GET', '/v2/team/app/manifests/latest', { Accept: OCI });
        assert.equal(get.status, 200);
        assert.equal(get.headers['docker-content-digest'], digestOf(body), `move ${i} read back`);
      }
    });

    it('a manifest deleted through one connection is 404 on the next', async () => {
      for (let i = 0; i < 6; i++) {
        const body = manifest(config, layer, `delete ${i}`);
        const d = digestOf(body);
        assert.equal((await fresh(berth.url, 'PUT', `/v2/team/app/manifests/${d}`, { 'Content-Type': OCI }, body)).status, 201);
        // Read through both workers first, so both have what they may cache.
        for (let k = 0; k < 2; k++)
          assert.equal((await fresh(berth.url, 'GET', `/v2/team/app/manifests/${d}`, { Accept: OCI })).status, 200);
        assert.equal((await fresh(berth.url, 'DELETE', `/v2/team/app/manifests/${d}`)).status, 202);
        for (let k = 0; k < 2; k++) {
          assert.equal(
            (await fresh(berth.url, 'GET', `/v2/team/app/manifests/${d}`, { Accept: OCI })).status,
            404,
            `GET ${k} after delete ${i}`,
          );
        }
      }
    });

    it('read-only mode switched through the API holds in every worker at once', async () => {
      const json = { 'Content-Type': 'application/json' };
      const put = await fresh(berth.url, 'PUT', '/api/v1/system/readonly', json, Buffer.from('{"enabled":true}'));
      assert.equal(put.status, 200, put.body.toString());
      try {
        // New connections alternate between the workers: each one refuses the write.
        for (let k = 0; k < 4; k++) {
          const start = await fresh(berth.url, 'POST', '/v2/team/app/blobs/uploads/');
          assert.equal(start.status, 403, `upload start ${k}: ${start.body.toString()}`);
          const state = JSON.parse((await fresh(berth.url, 'GET', '/api/v1/system/readonly')).body.toString());
          assert.equal(state.enabled, true, `state ${k}`);
        }
      } finally {
        const off = await fresh(berth.url, 'PUT', '/api/v1/system/readonly', json, Buffer.from('{"enabled":false}'));
        assert.equal(off.status, 200);
      }
      for (let k = 0; k < 4; k++) assert.equal((await fresh(berth.url, 'POST', '/v2/team/app/blobs/uploads/')).status, 202, `after ${k}`);
    });

    it('concurrent PATCHes of one upload through both workers: exactly one is accepted', async () => {
      for (let round = 0; round < 3; round++) {
        const start = await fresh(berth.url, 'POST', '/v2/team/app/blobs/uploads/');
        assert.equal(start.status, 202);
        const location = String(start.headers['location']);
        const chunk = randomBytes(256 << 10);
        const headers = { 'Content-Type': 'application/octet-stream', 'Content-Range': `0-${chunk.length - 1}` };
        const answers = await Promise.all(Array.from({ length: 6 }, () => fresh(berth.url, 'PATCH', location, headers, chunk)));
        const statuses = answers.map((a) => a.status).sort();
        assert.deepEqual(statuses, [202, 416, 416, 416, 416, 416], `round ${round}`);
        const done = await fresh(berth.url, 'PUT', `${location}${location.includes('?') ? '&' : '?'}digest=${digestOf(chunk)}`);
        assert.equal(done.status, 201, done.body.toString());
        const head = await fresh(berth.url, 'HEAD', `/v2/team/app/blobs/${digestOf(chunk)}`);
        assert.equal(head.headers['content-length'], String(chunk.length));
      }
    });

    it('20 parallel pulls of an uncached image fetch each blob once from the upstream', async () => {
      const big = randomBytes(3 << 20);
      const cfg = Buffer.from(`{"os":"linux","architecture":"arm64","backend":"${backend}"}`);
      await pushInto(hub.inner.app, 'mirror/img', cfg);
      await pushInto(hub.inner.app, 'mirror/img', big);
      await pushManifest(hub.inner.app, 'mirror/img', 'v1', manifest(cfg, big, 'upstream'), OCI);
      const blobGets = (d: string) =>
        hub.seen.filter((r) => r.host !== 'token' && r.method === 'GET' && r.path.endsWith(`/blobs/${d}`) && r.status !== 401).length;
      const pulls = Array.from({ length: 20 }, async () => {
        const m = await fresh(berth.url, 'GET', '/v2/hub/mirror/img/manifests/v1', { Accept: OCI });
        assert.equal(m.status, 200, m.body.toString());
        for (const [d, bytes] of [
          [digestOf(cfg), cfg],
          [digestOf(big), big],
        ] as const) {
          let b = await fresh(berth.url, 'GET', `/v2/hub/mirror/img/blobs/${d}`);
          // On S3 a stored blob is a redirect to the bucket.
          if (b.status === 307) b = await fresh(berth.url, 'GET', String(b.headers['location']));
          assert.equal(b.status, 200, `${b.body.toString()}\n--- berth log ---\n${berth.stderr().slice(-4000)}`);
          assert.ok(b.body.equals(bytes), 'the pulled bytes');
        }
      });
      await Promise.all(pulls);
      assert.equal(blobGets(digestOf(big)), 1, 'the layer fetched once');
      assert.equal(blobGets(digestOf(cfg)), 1, 'the config fetched once');
      const manifestGets = hub.seen.filter(
        (r) => r.host !== 'token' && r.method === 'GET' && r.path.includes('/mirror/img/manifests/') && r.status !== 401,
      );
      assert.equal(manifestGets.length, 1, `the manifest fetched once: ${manifestGets.map((r) => r.path).join(', ')}`);
    });

    it('/metrics sums the requests of both workers', async () => {
      const count = async (): Promise<number> => {
        const res = await fresh(berth.url, 'GET', '/metrics');
        assert.equal(res.status, 200, res.body.toString());
        const line = res.body
          .toString()
          .split('\n')
          .filter((l) => l.startsWith('berth_http_requests_total{') && l.includes('route="metrics"'));
        return line.reduce((n, l) => n + Number(l.split(' ').pop()), 0);
      };
      const first = await count();
      // Consecutive new connections alternate between the workers: each scrape counts itself
      // in the worker that served it, and every scrape sees the sum over both.
      for (let i = 1; i <= 6; i++) assert.equal(await count(), first + i, `scrape ${i}`);
    });

    // The pull-through cache's shared state does not depend on the storage: over disk only.
    it(
      'a tag checked upstream through one worker is served by every worker until its TTL, then rechecked',
      { skip: backend === 's3' && 'storage-independent' },
      async () => {
        const cfg = Buffer.from('{"os":"linux","architecture":"riscv64"}');
        await pushInto(hub.inner.app, 'mirror/moving', cfg);
        await pushInto(hub.inner.app, 'mirror/moving', layer);
        const first = manifest(cfg, layer, 'first');
        const second = manifest(cfg, layer, 'second');
        await pushManifest(hub.inner.app, 'mirror/moving', 'latest', first, OCI);
        const get = () => fresh(berth.url, 'GET', '/v2/short/mirror/moving/manifests/latest', { Accept: OCI });
        const heads = () =>
          hub.seen.filter((r) => r.method === 'HEAD' && r.path === '/v2/mirror/moving/manifests/latest' && r.status === 200);
        const pulled = await get();
        assert.equal(pulled.status, 200, pulled.body.toString());
        const checkedBy = Date.now();
        assert.equal(pulled.headers['docker-content-digest'], digestOf(first));
        // The tag moves upstream: within the TTL, both workers still serve what was checked.
        await pushManifest(hub.inner.app, 'mirror/moving', 'latest', second, OCI);
        for (let k = 0; k < 4; k++) {
          const res = await get();
          assert.ok(Date.now() - checkedBy < SHORT_TTL_MS, 'the requests within the TTL took too long');
          assert.equal(res.headers['docker-content-digest'], digestOf(first), `GET ${k} within the TTL`);
        }
        assert.equal(heads().length, 1, 'one upstream check within the TTL');
        await new Promise((r) => setTimeout(r, checkedBy + SHORT_TTL_MS + 200 - Date.now()));
        for (let k = 0; k < 4; k++) {
          const res = await get();
          assert.equal(res.headers['docker-content-digest'], digestOf(second), `GET ${k} after the TTL`);
        }
        assert.equal(heads().length, 2, 'one upstream check after the TTL');
      },
    );

    it(
      'GET /api/v1/system reports the pull-through counters summed over the workers',
      { skip: backend === 's3' && 'storage-independent' },
      async () => {
        const body = manifest(config, layer, 'counted');
        await pushInto(hub.inner.app, 'mirror/counted', config);
        await pushInto(hub.inner.app, 'mirror/counted', layer);
        await pushManifest(hub.inner.app, 'mirror/counted', 'v1', body, OCI);
        // The first pull is a miss (the manifest fetched), the 7 after it hits, in both workers.
        for (let k = 0; k < 8; k++) {
          const res = await fresh(berth.url, 'GET', '/v2/counted/mirror/counted/manifests/v1', { Accept: OCI });
          assert.equal(res.status, 200, res.body.toString());
        }
        for (let k = 0; k < 2; k++) {
          const res = await fresh(berth.url, 'GET', '/api/v1/system');
          assert.equal(res.status, 200, res.body.toString());
          const upstreams = (JSON.parse(res.body.toString()) as { proxy: { upstreams: Record<string, unknown>[] } }).proxy.upstreams;
          const counted = upstreams.find((u) => u['name'] === 'counted')!;
          assert.deepEqual(
            { hits: counted['hits'], misses: counted['misses'], bytesFromUpstream: counted['bytesFromUpstream'] },
            { hits: 7, misses: 1, bytesFromUpstream: body.length },
            `answer ${k}`,
          );
        }
      },
    );

    it('kill -9 of one worker while pushes run: the others complete, the dead worker comes back', async () => {
      const [victim] = workerPids(berth.stderr());
      assert.ok(victim, 'a worker pid in the log');
      let killed = false;
      const failed: Buffer[] = [];
      let afterKill = 0;
      const lane = async (n: number) => {
        for (let i = 0; i < 12; i++) {
          const blob = randomBytes(64 << 10);
          if (n === 0 && i === 3) {
            process.kill(victim, 'SIGKILL');
            killed = true;
          }
          try {
            await pushBlob(berth.url, 'team/pushes', blob);
            if (killed) afterKill++;
          } catch (err) {
            // Only a connection the dead worker held may fail, never with an HTTP error.
            assert.match(String(err), /ECONNRESET|socket hang up|ECONNREFUSED|EPIPE|ETIMEDOUT/);
            failed.push(blob);
          }
        }
      };
      await Promise.all([lane(0), lane(1), lane(2)]);
      assert.ok(afterKill > 0, 'pushes completed after the kill');
      for (let t = 0; t < 600 && !berth.stderr().includes('"msg":"worker serving"'); t++) await new Promise((r) => setTimeout(r, 200));
      assert.match(berth.stderr(), /"msg":"worker died; starting another"/);
      const pids = workerPids(berth.stderr());
      assert.ok(pids.length >= 3 && !pids.slice(2).includes(victim), 'a new worker serves');
      // What failed with the dead worker goes through now; both workers serve again.
      for (const blob of failed) await pushBlob(berth.url, 'team/pushes', blob);
      for (let i = 0; i < 4; i++) await pushBlob(berth.url, 'team/pushes', randomBytes(1024));
    });
  });
}
