/** Builds the real Berth app for HTTP tests, on the in-memory, filesystem or S3 (s3rver) driver. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../../src/http/app.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { createRegistry, registryOptions, type Registry, type RegistryStorageOptions } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';
import type { StorageDriver } from '../../src/storage/driver.js';
import { startS3rver, type TestS3 } from './s3rver.js';

/** A test app and what it runs on. */
export interface TestApp {
  app: App;
  config: Config;
  driver: StorageDriver;
  /** The registry services behind the app (their event bus, for listeners in tests). */
  registry: Registry;
  /** Filesystem root when storage is 'fs'. */
  root?: string;
  /** The S3 server when storage is 's3'. */
  s3?: TestS3;
  cleanup(): Promise<void>;
}

/** The storage backends the HTTP tests run on ('s3' starts its own s3rver). */
export type TestStorage = 'memory' | 'fs' | 's3';

/** A fresh app; `raw` is merged into the config file content (Distribution-style keys). */
export async function makeApp(storage: TestStorage = 'memory', raw: Record<string, unknown> = {}): Promise<TestApp> {
  return makeApps(storage, raw, [undefined]).then(([t]) => t!);
}

/**
 * One app per entry of `shared` over one storage, each with its own registry (and storage
 * cache), as the workers of one Berth are; `shared` is what each takes from the cluster.
 */
export async function makeApps(
  storage: TestStorage,
  raw: Record<string, unknown>,
  shared: RegistryStorageOptions['shared'][],
): Promise<TestApp[]> {
  const root = storage === 'fs' ? await mkdtemp(join(tmpdir(), 'berth-test-')) : undefined;
  // The smallest part size, so multi-MiB test bodies already span several parts.
  const s3 = storage === 's3' ? await startS3rver() : undefined;
  const rawStorage = (raw['storage'] ?? {}) as Record<string, unknown>;
  const driverSection = root
    ? { filesystem: { rootdirectory: root } }
    : s3
      ? { s3: s3.config({ chunksize: 5 * 1024 * 1024, redirect: false }) }
      : { inmemory: {} };
  const config = parseConfig({ ...raw, storage: { ...driverSection, ...rawStorage } });
  const driver = createDriver(config.storage);
  await driver.check();
  const cleanup = async (): Promise<void> => {
    if (root) await rm(root, { recursive: true, force: true });
    if (s3) await s3.cleanup();
  };
  return shared.map((one) => {
    const registry = createRegistry(driver, { ...registryOptions(config), shared: one });
    const app = createApp({ config, registry, log: createLogger('error') });
    return { app, config, driver, registry, root, s3, cleanup };
  });
}
