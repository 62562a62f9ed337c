/**
 * A Berth app on a filesystem root the test chooses, built the way makeApp builds one. Two of
 * these on one root behave like a registry restarted (or a second replica) on the same data.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { App } from '../../src/http/app.js';
import { parseConfig } from '../../src/config/load.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { createRegistry, registryOptions } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';

/** A fresh app serving `root` with the filesystem driver; `raw` is merged into the config. */
export function appAt(root: string, raw: Record<string, unknown> = {}): App {
  const rawStorage = (raw['storage'] ?? {}) as Record<string, unknown>;
  const config = parseConfig({ ...raw, storage: { filesystem: { rootdirectory: root }, ...rawStorage } });
  return createApp({ config, registry: createRegistry(createDriver(config.storage), registryOptions(config)), log: createLogger('error') });
}

/** Every file (not folder) under `dir`, relative to it, sorted; empty when `dir` is missing. */
export async function filesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}
