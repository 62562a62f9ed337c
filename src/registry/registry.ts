/** The registry domain, assembled over one storage driver. */
import type { Config } from '../config/schema.js';
import { EventBus } from '../events/bus.js';
import { CachingDriver, type CachePeers } from '../storage/cache.js';
import type { StorageDriver } from '../storage/driver.js';
import { BlobStore } from './blobs.js';
import { CatalogService } from './catalog.js';
import { MemoryHashes, StoredHashes, type RunningHashes } from './hash-state.js';
import { ManifestService, type ManifestOptions } from './manifests.js';
import { CACHE_POLICY } from './paths.js';
import { WriteGuards } from './guards.js';
import { Pins } from './pins.js';
import type { Locks } from './keyed-lock.js';
import { ReferrerService } from './referrers.js';
import { RepositoryService } from './repositories.js';
import { TagService } from './tags.js';
import { UploadService } from './uploads.js';

/** Every domain service the HTTP layer calls. */
export interface Registry {
  /** The storage as the services see it (behind the cache): work beside them goes through it. */
  driver: StorageDriver;
  blobs: BlobStore;
  uploads: UploadService;
  manifests: ManifestService;
  tags: TagService;
  catalog: CatalogService;
  referrers: ReferrerService;
  /** Where the services announce what they committed (index, audit, metrics listen). */
  events: EventBus;
  /** What may refuse a client's write before it commits (read-only mode, quotas): add guards here. */
  guards: WriteGuards;
  /** Digests writes in flight depend on; garbage collection never deletes them (pins.ts). */
  pins: Pins;
  /** Whole repositories: remove one (tags, manifests, links; blobs wait for GC). */
  repositories: RepositoryService;
}

/** The registry's storage settings (config `storage`: the cache and where upload hashes live). */
export interface RegistryStorageOptions {
  /** Seconds a storage fact is trusted (0: no cache) and how many are kept. */
  cache: { ttl: number; maxentries: number };
  hashstate: 'auto' | 'storage' | 'memory';
  /** Manifest validation (config `validation.manifests`); strict when absent. */
  manifests?: ManifestOptions;
  /** Under http.workers: the other workers' caches, the cluster's upload locks and its pins (src/cluster). */
  shared?: { peers: CachePeers; locks: Locks; pins: Pins };
}

/** The registry settings a configuration asks for: its storage section and manifest validation. */
export function registryOptions(config: Pick<Config, 'storage' | 'validation'>): RegistryStorageOptions {
  return { ...config.storage, manifests: { indexes: config.validation.manifests.indexes } };
}

/**
 * Optional replacements of the blob, manifest and upload services by decorators that keep
 * their shape (the pull-through cache in src/proxy plugs in here).
 */
export interface ServiceFactories {
  blobs?(driver: StorageDriver, events: EventBus): BlobStore;
  manifests?(driver: StorageDriver, blobs: BlobStore, tags: TagService, events: EventBus, options: ManifestOptions): ManifestService;
  uploads?(driver: StorageDriver, blobs: BlobStore, hashes: RunningHashes, events: EventBus): UploadService;
}

/** Build the services over a driver, behind the storage-facts cache. */
export function createRegistry(
  storage: StorageDriver,
  options: RegistryStorageOptions,
  factories: ServiceFactories = {},
  events: EventBus = new EventBus(),
  guards: WriteGuards = new WriteGuards(),
): Registry {
  const { cache } = options;
  const peers = options.shared?.peers;
  const driver = new CachingDriver(storage, { ttlMs: cache.ttl * 1000, maxEntries: cache.maxentries, policy: CACHE_POLICY, peers });
  // Object storage is where several processes share uploads; on disk one process usually
  // serves them, and node:crypto hashes five times faster than the resumable hash.
  const stored = options.hashstate === 'storage' || (options.hashstate === 'auto' && storage.name === 's3');
  const hashes = stored ? new StoredHashes(driver) : new MemoryHashes();
  const blobs = factories.blobs?.(driver, events) ?? new BlobStore(driver, events);
  const tags = new TagService(driver);
  const manifestOptions = options.manifests ?? {};
  const manifests =
    factories.manifests?.(driver, blobs, tags, events, manifestOptions) ??
    new ManifestService(driver, blobs, tags, events, manifestOptions);
  const uploads = factories.uploads?.(driver, blobs, hashes, events) ?? new UploadService(driver, blobs, hashes, events);
  blobs.guards = manifests.guards = uploads.guards = guards;
  const pins = (blobs.pins = options.shared?.pins ?? new Pins());
  const catalog = new CatalogService(driver, driver);
  if (options.shared) uploads.lock = options.shared.locks;
  return {
    driver,
    blobs,
    uploads,
    manifests,
    tags,
    catalog,
    referrers: new ReferrerService(driver, manifests),
    events,
    guards,
    pins,
    repositories: new RepositoryService(driver, catalog, events, guards),
  };
}
