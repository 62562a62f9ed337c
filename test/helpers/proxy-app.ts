/** A Berth app with the pull-through cache on, wired the way src/server.ts wires it. */
import type { App } from '../../src/http/app.js';
import { parseConfig } from '../../src/config/load.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import type { CacheEvictor } from '../../src/proxy/eviction.js';
import { createProxy, type ProxyService } from '../../src/proxy/index.js';
import { createRegistry, registryOptions } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';
import type { StorageDriver } from '../../src/storage/driver.js';

/** The app, its proxy service and its storage. */
export interface ProxyApp {
  app: App;
  proxy: ProxyService;
  driver: StorageDriver;
  evictor: CacheEvictor;
}

/** A proxying app on in-memory storage; `proxy` is the config's proxy section (enabled). */
export function makeProxyApp(proxy: Record<string, unknown>): ProxyApp {
  const config = parseConfig({
    storage: { inmemory: {} },
    proxy: { enabled: true, ...proxy, upstream: { retries: 0, timeout: '2s', ...(proxy['upstream'] as object) } },
  });
  const log = createLogger('error');
  const proxied = createProxy(config, log)!;
  const driver = createDriver(config.storage);
  const registry = createRegistry(driver, registryOptions(config), proxied.factories);
  const app = createApp({ config, registry, log, proxy: proxied.proxy });
  return { app, proxy: proxied.proxy, driver, evictor: proxied.evictor(registry) };
}
