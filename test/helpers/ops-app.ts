/** The real app with its operations state (readiness, read-only, metrics) as startServer wires it, with captured logs. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createApp, type App } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { attachOps, createOps, type Ops } from '../../src/ops/ops.js';
import { createRegistry, type Registry } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';

/** An app with its ops state and the log lines it wrote (parsed). */
export interface OpsApp {
  app: App;
  config: Config;
  ops: Ops;
  registry: Registry;
  root: string;
  logs: Record<string, unknown>[];
  cleanup(): Promise<void>;
}

/** A filesystem-backed app with ops attached; `raw` is merged into the config. */
export async function makeOpsApp(raw: Record<string, unknown> = {}): Promise<OpsApp> {
  const root = await mkdtemp(join(tmpdir(), 'berth-ops-'));
  const rawStorage = (raw['storage'] ?? {}) as Record<string, unknown>;
  const config = parseConfig({ ...raw, storage: { filesystem: { rootdirectory: root }, ...rawStorage } });
  const logs: Record<string, unknown>[] = [];
  const log = createLogger(config.log.level, (line) => void logs.push(JSON.parse(line) as Record<string, unknown>), config.log.fields);
  const driver = createDriver(config.storage);
  await driver.check();
  const ops = createOps(config, log);
  const registry = createRegistry(driver, config.storage);
  attachOps(ops, config, registry, driver);
  const app = createApp({ config, registry, log, ops });
  const cleanup = async (): Promise<void> => {
    await ops.shutdown.run();
    await rm(root, { recursive: true, force: true });
  };
  return { app, config, ops, registry, root, logs, cleanup };
}
