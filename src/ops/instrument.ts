/**
 * Connecting the registry to the metrics: storage calls through BaseDriver's observer, the
 * storage cache's and the pull-through cache's own counters read at scrape time, registry
 * events from the bus, and one record per HTTP request.
 */
import type { EventName } from '../events/events.js';
import type { ProxyService } from '../proxy/proxy-service.js';
import type { Registry } from '../registry/registry.js';
import type { BaseDriver } from '../storage/base.js';
import { CachingDriver } from '../storage/cache.js';
import { addCacheSource, addProxySource, addReadOnlySource, metrics } from './metrics.js';

const EVENT_TYPES: readonly EventName[] = [
  'manifest.pushed',
  'manifest.pulled',
  'manifest.deleted',
  'tag.deleted',
  'blob.pushed',
  'blob.mounted',
  'blob.pulled',
  'blob.deleted',
];

/** What instrumentRegistry() may also watch. */
export interface InstrumentOptions {
  proxy?: ProxyService;
  readOnly?: { readonly enabled: boolean };
}

/** Feed the metrics from `registry` over `base`; returns the function that stops it. */
export function instrumentRegistry(registry: Registry, base: BaseDriver, options: InstrumentOptions = {}): () => void {
  const m = metrics();
  const undo: (() => void)[] = [];
  const byMethod = new Map<string, { observe(v: number): void }>();
  const errors = new Map<string, { inc(): void }>();
  base.observer = (method, seconds, failed) => {
    let h = byMethod.get(method);
    if (!h) byMethod.set(method, (h = m.storageLatency.labels(base.name, method)));
    h.observe(seconds);
    if (!failed) return;
    let e = errors.get(method);
    if (!e) errors.set(method, (e = m.storageErrors.labels(base.name, method)));
    e.inc();
  };
  undo.push(() => (base.observer = undefined));
  if (registry.driver instanceof CachingDriver) {
    const cache = registry.driver;
    undo.push(addCacheSource(() => cache.lookups));
  }
  if (options.proxy) {
    const proxy = options.proxy;
    undo.push(addProxySource(() => Object.fromEntries(proxy.config.proxy.upstreams.map((u) => [u.name, proxy.stats.of(u.name)]))));
  }
  if (options.readOnly) {
    const state = options.readOnly;
    undo.push(addReadOnlySource(() => state.enabled));
  }
  for (const type of EVENT_TYPES) {
    const counter = m.events.labels(type);
    undo.push(registry.events.on(type, () => counter.inc()));
  }
  undo.push(registry.events.on('blob.pushed', (e) => m.pushedBytes.inc(e.data.size)));
  undo.push(registry.events.on('blob.pulled', (e) => m.pulledBytes.inc(e.data.size)));
  return () => undo.forEach((u) => u());
}

type Child = { inc(n?: number): void };
const requestChildren = new Map<string, { count: Child; latency: { observe(v: number): void }; bytesIn: Child; bytesOut: Child }>();

/** Record one finished HTTP request (route is a route name, never a raw path). */
export function recordRequest(route: string, method: string, status: number, seconds: number, bytesIn: number, bytesOut: number): void {
  const key = `${route} ${method} ${status}`;
  let c = requestChildren.get(key);
  if (!c) {
    const m = metrics();
    c = {
      count: m.requests.labels(route, method, String(status)),
      latency: m.latency.labels(route, method),
      bytesIn: m.bytesIn.labels(route),
      bytesOut: m.bytesOut.labels(route),
    };
    requestChildren.set(key, c);
  }
  c.count.inc();
  c.latency.observe(seconds);
  if (bytesIn > 0) c.bytesIn.inc(bytesIn);
  if (bytesOut > 0) c.bytesOut.inc(bytesOut);
}
