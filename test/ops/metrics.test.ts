/**
 * Prometheus metrics scraped after a push and a pull: request counts by route name (never a raw
 * path), bytes in and out, storage calls, cache lookups, registry events, and the GC recorder;
 * /metrics on the registry's address answers only to those allowed the catalog.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { metrics, recordGcRun } from '../../src/ops/metrics.js';
import { basic, hash } from '../helpers/auth.js';
import { pushImage } from '../helpers/oci.js';
import { makeOpsApp, type OpsApp } from '../helpers/ops-app.js';

/** The value of one sample line (`name{labels} value`), or 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (want.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('metrics on the registry address', () => {
  let t: OpsApp;
  const auth = basic('alice', 'pw');
  const scrape = async () => {
    const res = await request(t.app).get('/metrics').set('Authorization', auth);
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers['content-type']!, /^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-metrics-'));
    await writeFile(join(dir, 'htpasswd'), `alice:${hash('pw')}\n`);
    t = await makeOpsApp({ auth: { htpasswd: { path: join(dir, 'htpasswd') } } });
  });
  after(async () => {
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('needs credentials', async () => {
    const res = await request(t.app).get('/metrics');
    assert.equal(res.status, 401);
    assert.equal(res.body.errors[0].code, 'UNAUTHORIZED');
  });

  it('counts a push and a pull by route name, with bytes, storage calls, cache lookups and events', async () => {
    const before = await scrape();
    const app = (req: Parameters<typeof t.app>[0], res: Parameters<typeof t.app>[1]) => {
      req.headers['authorization'] = auth;
      t.app(req, res);
    };
    const image = await pushImage(app, 'team/app', { ref: 'v1' });
    const layer = image.layers[0]!;
    const pulled = await request(app).get(`/v2/team/app/blobs/${layer.digest}`);
    assert.equal(pulled.status, 200);
    await request(app).head(`/v2/team/app/blobs/${layer.digest}`).expect(200);
    await request(app).get('/v2/team/app/manifests/v1').set('Accept', image.mediaType).expect(200);
    // A request is recorded when its response closes, which may come a moment after the client has read it.
    let after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    for (
      let i = 0;
      i < 40 &&
      delta('berth_http_requests_total', { route: 'manifest', method: 'GET' }) +
        delta('berth_http_requests_total', { route: 'blob', method: 'GET' }) <
        2;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 50));
      after = await scrape();
    }

    assert.equal(delta('berth_http_requests_total', { route: 'upload-start', method: 'POST', status: '201' }), 2);
    assert.equal(delta('berth_http_requests_total', { route: 'manifest', method: 'PUT', status: '201' }), 1);
    assert.equal(delta('berth_http_requests_total', { route: 'blob', method: 'GET', status: '200' }), 1);
    assert.equal(delta('berth_http_requests_total', { route: 'blob', method: 'HEAD', status: '200' }), 1);
    assert.equal(delta('berth_http_request_duration_seconds_count', { route: 'blob', method: 'GET' }), 1);
    assert.ok(!/route="\/v2\//.test(after), 'no raw path is a label');
    assert.ok(delta('berth_http_received_bytes_total', { route: 'upload-start' }) >= layer.size, 'the layer came in');
    assert.ok(delta('berth_http_sent_bytes_total', { route: 'blob' }) >= layer.size, 'the layer went out');
    assert.ok(delta('berth_storage_operation_duration_seconds_count', { driver: 'filesystem', operation: 'move' }) >= 2);
    assert.ok(delta('berth_storage_operation_errors_total', { driver: 'filesystem', operation: 'stat' }) >= 1, 'stat of absent blobs');
    assert.ok(delta('berth_storage_cache_lookups_total', { kind: 'stat', result: 'hit' }) >= 1);
    assert.equal(delta('berth_registry_events_total', { type: 'blob.pushed' }), 2);
    assert.equal(delta('berth_registry_events_total', { type: 'manifest.pushed' }), 1);
    assert.equal(delta('berth_registry_events_total', { type: 'blob.pulled' }), 1);
    assert.equal(delta('berth_registry_events_total', { type: 'manifest.pulled' }), 1);
    assert.equal(delta('berth_blob_pulled_bytes_total'), layer.size);
    assert.ok(delta('berth_blob_pushed_bytes_total') >= layer.size);
    assert.equal(sample(after, 'berth_uploads_in_progress'), 0);
    assert.ok(sample(after, 'process_cpu_user_seconds_total') > 0, 'process metrics');
  });

  it('read-only mode is a gauge; a GC run is recorded by recordGcRun', async () => {
    t.ops.readOnly.set(true, 'test');
    assert.equal(sample(await scrape(), 'berth_read_only'), 1);
    t.ops.readOnly.set(false, 'test');
    const before = await scrape();
    recordGcRun({ ok: true, dryRun: false, durationMs: 1500, freedBytes: 4096, freedBlobs: 3, freedManifests: 1 });
    recordGcRun({ ok: false, dryRun: true, durationMs: 10, freedBytes: 999, freedBlobs: 9, freedManifests: 9 });
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    assert.equal(sample(after, 'berth_read_only'), 0);
    assert.equal(delta('berth_gc_runs_total', { result: 'success', mode: 'sweep' }), 1);
    assert.equal(delta('berth_gc_runs_total', { result: 'failure', mode: 'dry-run' }), 1);
    assert.equal(delta('berth_gc_freed_bytes_total'), 4096, 'dry runs free nothing');
    assert.equal(delta('berth_gc_freed_objects_total', { kind: 'blob' }), 3);
    assert.equal(sample(after, 'berth_gc_last_run_duration_seconds'), 0.01);
  });

  it('every metric is in the default registry, as AggregatorRegistry.clusterMetrics() reads it', async () => {
    const { register } = await import('prom-client');
    const names = (await register.getMetricsAsJSON()).map((m) => m.name);
    for (const m of Object.values(metrics())) assert.ok(names.includes((m as unknown as { name: string }).name));
  });
});
