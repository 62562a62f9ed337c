/** Assembling the pull-through cache: its shared service, the decorated registry services, eviction. */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { ServiceFactories } from '../registry/registry.js';
import { ProxyBlobStore } from './proxy-blobs.js';
import { ProxyManifestService } from './proxy-manifests.js';
import { ProxyService } from './proxy-service.js';
import { ProxyUploadService } from './proxy-uploads.js';

export { ProxyService } from './proxy-service.js';
export { mountProxy } from './http.js';

/** The proxy service and the factories that decorate the registry with it (null when disabled). */
export function createProxy(config: Config, log: Logger): { proxy: ProxyService; factories: ServiceFactories } | null {
  if (!config.proxy.enabled) return null;
  const proxy = new ProxyService(config, log);
  const factories: ServiceFactories = {
    blobs: (driver) => new ProxyBlobStore(driver, proxy),
    manifests: (driver, blobs, tags) => new ProxyManifestService(driver, blobs, tags, proxy),
    uploads: (driver, blobs) => new ProxyUploadService(driver, blobs, proxy),
  };
  return { proxy, factories };
}
