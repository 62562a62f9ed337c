/**
 * Picks the storage driver by the name of its config section (Distribution style: the
 * `storage` block holds exactly one driver key) and wraps it in BaseDriver.
 */
import { BaseDriver } from './base.js';
import type { StorageDriver } from './driver.js';
import { FsDriver } from './drivers/fs.js';
import type { FsDriverOptions } from './drivers/fs.js';
import { MemoryDriver } from './drivers/memory.js';
import { S3Driver } from './drivers/s3.js';
import type { S3DriverOptions } from './drivers/s3-client.js';

/**
 * The part of the storage config the factory reads. Other keys (delete, redirect, ...) are
 * settings for the layers above and are ignored here; the config schema validates them.
 */
export interface StorageConfig {
  filesystem?: FsDriverOptions;
  /** YAML `inmemory:` with no value parses as null, which still selects the driver. */
  inmemory?: Record<string, unknown> | null;
  /** Validated (lower-case keys, defaults filled) by the config schema. */
  s3?: S3DriverOptions;
  [key: string]: unknown;
}

// One entry per backend; adding s3 is one line here plus its driver file.
const DRIVERS: Record<string, (params: unknown) => StorageDriver> = {
  filesystem: (params) => new FsDriver(fsOptions(params)),
  inmemory: () => new MemoryDriver(),
  s3: (params) => new S3Driver(params as S3DriverOptions),
};

/** Build the configured driver, wrapped in BaseDriver; throws when zero or several are configured. */
export function createDriver(config: StorageConfig): BaseDriver {
  const names = Object.keys(DRIVERS).filter((name) => config[name] !== undefined);
  const [name] = names;
  if (names.length !== 1 || name === undefined) {
    const known = Object.keys(DRIVERS).join(', ');
    const found = names.length ? names.join(', ') : 'none';
    throw new Error(`storage: configure exactly one driver (${known}); found ${found}`);
  }
  const make = DRIVERS[name] as (params: unknown) => StorageDriver;
  return new BaseDriver(make(config[name]));
}

// The config schema has normally checked this already; repeat it so a hand-built config
// fails with a clear message instead of writing under "undefined/".
function fsOptions(params: unknown): FsDriverOptions {
  const root = (params as Partial<FsDriverOptions> | null | undefined)?.rootdirectory;
  if (typeof root !== 'string' || root === '') {
    throw new Error('storage.filesystem.rootdirectory must be a non-empty string');
  }
  return { rootdirectory: root };
}
