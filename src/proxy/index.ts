/** Assembling the pull-through cache: its shared service, the decorated registry services, eviction. */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Registry, ServiceFactories } from '../registry/registry.js';
import { CacheEvictor } from './eviction.js';
import { ProxyBlobStore } from './proxy-blobs.js';
import { ProxyManifestService } from './proxy-manifests.js';
import { ProxyService } from './proxy-service.js';
import { ProxyUploadService } from './proxy-uploads.js';

export { ProxyService } from './proxy-service.js';
export { mountProxyStats, proxyStage } from './http.js';

/** The enabled pull-through cache: its service, the registry decorators, and cache eviction. */
export interface Proxy {
  proxy: ProxyService;
  factories: ServiceFactories;
  /** The evictor for a registry built with `factories` (not started); it deletes through the registry's driver, so the storage cache forgets what it removes. */
  evictor(registry: Registry): CacheEvictor;
}

/** The proxy service and the factories that decorate the registry with it (null when disabled). */
export function createProxy(config: Config, log: Logger): Proxy | null {
  if (!config.proxy.enabled) return null;
  const proxy = new ProxyService(config, log);
  const factories: ServiceFactories = {
    blobs: (driver, events) => new ProxyBlobStore(driver, events, proxy),
    manifests: (driver, blobs, tags, events, options) => new ProxyManifestService(driver, blobs, tags, events, proxy, options),
    uploads: (driver, blobs, hashes, events) => new ProxyUploadService(driver, blobs, hashes, events, proxy),
  };
  return { proxy, factories, evictor: (registry) => new CacheEvictor(registry.driver, registry.manifests, proxy, log) };
}
