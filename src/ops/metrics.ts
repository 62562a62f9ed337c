/**
 * Prometheus metrics through prom-client. Every metric lives in prom-client's default
 * registry (`register`), so under node:cluster the primary can answer for all workers with
 * `new AggregatorRegistry().clusterMetrics()` (counters and histograms summed, the gauges
 * that are not sums say how with `aggregator`). Metrics are created once per process; what
 * several apps in one process (tests) feed them adds up.
 *
 * Hot paths record with a cached child per label set: a request costs one counter increment,
 * one histogram observation and two byte counters. Facts other components already count
 * (storage-cache lookups, pull-through cache stats, read-only mode) are read at scrape time
 * from registered sources instead of being counted twice.
 */
import client, { Counter, Gauge, Histogram, register } from 'prom-client';

/** Storage-cache lookups by kind, as CachingDriver counts them. */
export type CacheLookups = Record<string, { hits: number; misses: number }>;
/** Pull-through cache counters per upstream, as ProxyStats keeps them. */
export type UpstreamCounters = Record<
  string,
  { hits: number; misses: number; stale: number; upstreamRequests: number; upstreamBytes: number; errors: number }
>;

/** What one garbage-collection run did, for recordGcRun(). */
export interface GcRunResult {
  ok: boolean;
  dryRun: boolean;
  durationMs: number;
  freedBytes: number;
  freedBlobs: number;
  freedManifests: number;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const STORAGE_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

const cacheSources = new Set<() => CacheLookups>();
const proxySources = new Set<() => UpstreamCounters>();
const readOnlySources = new Set<() => boolean>();

/** Add a source whose values are read at each scrape; returns the function that removes it. */
function addSource<T>(set: Set<T>, source: T): () => void {
  set.add(source);
  return () => void set.delete(source);
}

/** Counters whose values are totals read from sources at scrape time. */
function sourcedCounter<T>(
  name: string,
  help: string,
  labelNames: string[],
  sources: Set<() => T>,
  read: (v: T, add: (labels: Record<string, string>, n: number) => void) => void,
): Counter {
  return new Counter({
    name,
    help,
    labelNames,
    collect() {
      this.reset();
      for (const source of sources) read(source(), (labels, n) => this.inc(labels, n));
    },
  });
}

/** Every Berth metric, created once per process in the default registry. */
function define() {
  client.collectDefaultMetrics();
  return {
    requests: new Counter({
      name: 'berth_http_requests_total',
      help: 'HTTP requests by route name, method and status',
      labelNames: ['route', 'method', 'status'],
    }),
    latency: new Histogram({
      name: 'berth_http_request_duration_seconds',
      help: 'HTTP request latency until the response is sent',
      labelNames: ['route', 'method'],
      buckets: LATENCY_BUCKETS,
    }),
    bytesIn: new Counter({
      name: 'berth_http_received_bytes_total',
      help: 'Bytes received per route (request bodies and headers)',
      labelNames: ['route'],
    }),
    bytesOut: new Counter({
      name: 'berth_http_sent_bytes_total',
      help: 'Bytes sent per route (response bodies and headers)',
      labelNames: ['route'],
    }),
    inFlight: new Gauge({ name: 'berth_http_requests_in_flight', help: 'HTTP requests being served' }),
    uploads: new Gauge({ name: 'berth_uploads_in_progress', help: 'Requests carrying blob upload data being received' }),
    storageLatency: new Histogram({
      name: 'berth_storage_operation_duration_seconds',
      help: 'Storage driver calls (for reader/writer: until the stream opens)',
      labelNames: ['driver', 'operation'],
      buckets: STORAGE_BUCKETS,
    }),
    storageErrors: new Counter({
      name: 'berth_storage_operation_errors_total',
      help: 'Storage driver calls that failed (path not found included)',
      labelNames: ['driver', 'operation'],
    }),
    cache: sourcedCounter(
      'berth_storage_cache_lookups_total',
      'Storage-fact cache lookups by kind and result (hit, miss)',
      ['kind', 'result'],
      cacheSources,
      (v, add) => {
        for (const [kind, c] of Object.entries(v)) {
          add({ kind, result: 'hit' }, c.hits);
          add({ kind, result: 'miss' }, c.misses);
        }
      },
    ),
    proxyHits: sourcedCounter(
      'berth_proxy_cache_hits_total',
      'Pull-through cache hits per upstream',
      ['upstream'],
      proxySources,
      (v, add) => each(v, add, 'hits'),
    ),
    proxyMisses: sourcedCounter(
      'berth_proxy_cache_misses_total',
      'Pull-through cache misses (fetched upstream) per upstream',
      ['upstream'],
      proxySources,
      (v, add) => each(v, add, 'misses'),
    ),
    proxyStale: sourcedCounter(
      'berth_proxy_stale_total',
      'Cached content served while the upstream failed',
      ['upstream'],
      proxySources,
      (v, add) => each(v, add, 'stale'),
    ),
    proxyRequests: sourcedCounter(
      'berth_proxy_upstream_requests_total',
      'Requests sent to each upstream',
      ['upstream'],
      proxySources,
      (v, add) => each(v, add, 'upstreamRequests'),
    ),
    proxyBytes: sourcedCounter(
      'berth_proxy_upstream_bytes_total',
      'Bytes fetched from each upstream',
      ['upstream'],
      proxySources,
      (v, add) => each(v, add, 'upstreamBytes'),
    ),
    proxyErrors: sourcedCounter(
      'berth_proxy_upstream_errors_total',
      'Failed upstream requests per upstream',
      ['upstream'],
      proxySources,
      (v, add) => each(v, add, 'errors'),
    ),
    events: new Counter({
      name: 'berth_registry_events_total',
      help: 'Registry events (pushes, pulls, deletes) by type',
      labelNames: ['type'],
    }),
    pushedBytes: new Counter({ name: 'berth_blob_pushed_bytes_total', help: 'Bytes of blobs pushed (completed uploads)' }),
    pulledBytes: new Counter({ name: 'berth_blob_pulled_bytes_total', help: 'Bytes of blobs pulled in full (GET)' }),
    readOnly: new Gauge({
      name: 'berth_read_only',
      help: '1 while read-only mode refuses writes',
      aggregator: 'max',
      collect() {
        this.set([...readOnlySources].some((s) => s()) ? 1 : 0);
      },
    }),
    gcRuns: new Counter({
      name: 'berth_gc_runs_total',
      help: 'Garbage collection runs by result and mode',
      labelNames: ['result', 'mode'],
    }),
    gcFreedBytes: new Counter({ name: 'berth_gc_freed_bytes_total', help: 'Bytes freed by garbage collection (not dry runs)' }),
    gcFreedObjects: new Counter({
      name: 'berth_gc_freed_objects_total',
      help: 'Blobs and manifests freed by garbage collection',
      labelNames: ['kind'],
    }),
    gcDuration: new Gauge({
      name: 'berth_gc_last_run_duration_seconds',
      help: 'Duration of the last garbage collection run',
      aggregator: 'max',
    }),
    gcLastRun: new Gauge({
      name: 'berth_gc_last_run_timestamp_seconds',
      help: 'Unix time the last garbage collection run ended',
      aggregator: 'max',
    }),
  };
}

function each(v: UpstreamCounters, add: (labels: Record<string, string>, n: number) => void, key: keyof UpstreamCounters[string]): void {
  for (const [upstream, c] of Object.entries(v)) add({ upstream }, c[key]);
}

let defined: ReturnType<typeof define> | undefined;

/** The process's metrics (created on first use). */
export function metrics(): ReturnType<typeof define> {
  return (defined ??= define());
}

/** Read storage-cache lookups at each scrape. */
export const addCacheSource = (source: () => CacheLookups): (() => void) => addSource(cacheSources, source);
/** Read pull-through cache counters at each scrape. */
export const addProxySource = (source: () => UpstreamCounters): (() => void) => addSource(proxySources, source);
/** Read whether read-only mode is on at each scrape. */
export const addReadOnlySource = (source: () => boolean): (() => void) => addSource(readOnlySources, source);

/** Record one garbage-collection run (the gc job calls this with its result). */
export function recordGcRun(run: GcRunResult): void {
  const m = metrics();
  m.gcRuns.inc({ result: run.ok ? 'success' : 'failure', mode: run.dryRun ? 'dry-run' : 'sweep' });
  if (!run.dryRun) {
    m.gcFreedBytes.inc(run.freedBytes);
    m.gcFreedObjects.inc({ kind: 'blob' }, run.freedBlobs);
    m.gcFreedObjects.inc({ kind: 'manifest' }, run.freedManifests);
  }
  m.gcDuration.set(run.durationMs / 1000);
  m.gcLastRun.set(Date.now() / 1000);
}

let clusterScrape: (() => Promise<string>) | undefined;

/** Under http.workers: answer /metrics with what `source` returns (every worker's, summed by the primary). */
export function setScrape(source: () => Promise<string>): void {
  clusterScrape = source;
}

/** The exposition text of every metric of this process (of every worker, under workers), and its content type. */
export async function scrape(): Promise<{ body: string; contentType: string }> {
  metrics();
  return { body: clusterScrape ? await clusterScrape() : await register.metrics(), contentType: register.contentType };
}
