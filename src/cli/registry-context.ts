/**
 * What the storage commands (gc, repo, uploads) share: the registry over the storage the
 * configuration names, built for one command. They work beside a running server on the same
 * storage; the server's own runs (scheduled, or the API trigger) also see its pushes in flight.
 */
import type { Config } from '../config/schema.js';
import { RegistryError } from '../registry/errors.js';
import { createRegistry, registryOptions, type Registry } from '../registry/registry.js';
import { createDriver } from '../storage/factory.js';
import { commandConfig, io } from './admin-context.js';

/** Build the registry for the command's config, run `fn`; a registry refusal is one line and exit code 1. */
export async function withRegistry(
  values: Record<string, unknown>,
  fn: (registry: Registry, config: Config) => Promise<void>,
): Promise<number> {
  const config = await commandConfig(values);
  const driver = createDriver(config.storage);
  await driver.check();
  const registry = createRegistry(driver, registryOptions(config));
  try {
    await fn(registry, config);
    return 0;
  } catch (err) {
    if (!(err instanceof RegistryError)) throw err;
    io.err(`berth: ${err.message}\n`);
    return 1;
  }
}
