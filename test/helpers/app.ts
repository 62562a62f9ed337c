/** Builds the real Berth app for HTTP tests, on the in-memory or filesystem driver. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../../src/http/app.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { createRegistry } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';
import type { StorageDriver } from '../../src/storage/driver.js';

/** A test app and what it runs on. */
export interface TestApp {
  app: App;
  config: Config;
  driver: StorageDriver;
  /** Filesystem root when storage is 'fs'. */
  root?: string;
  cleanup(): Promise<void>;
}

/** A fresh app; `raw` is merged into the config file content (Distribution-style keys). */
export async function makeApp(storage: 'memory' | 'fs' = 'memory', raw: Record<string, unknown> = {}): Promise<TestApp> {
  const root = storage === 'fs' ? await mkdtemp(join(tmpdir(), 'berth-test-')) : undefined;
  const rawStorage = (raw['storage'] ?? {}) as Record<string, unknown>;
  const config = parseConfig({
    ...raw,
    storage: { ...(root ? { filesystem: { rootdirectory: root } } : { inmemory: {} }), ...rawStorage },
  });
  const driver = createDriver(config.storage);
  const app = createApp({ config, registry: createRegistry(driver, config.storage.cache), log: createLogger('error') });
  return { app, config, driver, root, cleanup: async () => (root ? rm(root, { recursive: true, force: true }) : undefined) };
}
