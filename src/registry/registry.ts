/** The registry domain, assembled over one storage driver. */
import { CachingDriver } from '../storage/cache.js';
import type { StorageDriver } from '../storage/driver.js';
import { BlobStore } from './blobs.js';
import { CatalogService } from './catalog.js';
import { MemoryHashes, StoredHashes, type RunningHashes } from './hash-state.js';
import { ManifestService } from './manifests.js';
import { CACHE_POLICY } from './paths.js';
import { ReferrerService } from './referrers.js';
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
}

/** The registry's storage settings (config `storage`: the cache and where upload hashes live). */
export interface RegistryStorageOptions {
  /** Seconds a storage fact is trusted (0: no cache) and how many are kept. */
  cache: { ttl: number; maxentries: number };
  hashstate: 'auto' | 'storage' | 'memory';
}

/**
 * Optional replacements of the blob, manifest and upload services by decorators that keep
 * their shape (the pull-through cache in src/proxy plugs in here).
 */
export interface ServiceFactories {
  blobs?(driver: StorageDriver): BlobStore;
  manifests?(driver: StorageDriver, blobs: BlobStore, tags: TagService): ManifestService;
  uploads?(driver: StorageDriver, blobs: BlobStore, hashes: RunningHashes): UploadService;
}

/** Build the services over a driver, behind the storage-facts cache. */
export function createRegistry(storage: StorageDriver, options: RegistryStorageOptions, factories: ServiceFactories = {}): Registry {
  const { cache } = options;
  const driver = new CachingDriver(storage, { ttlMs: cache.ttl * 1000, maxEntries: cache.maxentries, policy: CACHE_POLICY });
  // Object storage is where several processes share uploads; on disk one process usually
  // serves them, and node:crypto hashes five times faster than the resumable hash.
  const stored = options.hashstate === 'storage' || (options.hashstate === 'auto' && storage.name === 's3');
  const hashes = stored ? new StoredHashes(driver) : new MemoryHashes();
  const blobs = factories.blobs?.(driver) ?? new BlobStore(driver);
  const tags = new TagService(driver);
  const manifests = factories.manifests?.(driver, blobs, tags) ?? new ManifestService(driver, blobs, tags);
  return {
    driver,
    blobs,
    uploads: factories.uploads?.(driver, blobs, hashes) ?? new UploadService(driver, blobs, hashes),
    manifests,
    tags,
    catalog: new CatalogService(driver, driver),
    referrers: new ReferrerService(driver, manifests),
  };
}
