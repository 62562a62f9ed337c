/** The registry domain, assembled over one storage driver. */
import type { StorageDriver } from '../storage/driver.js';
import { BlobStore } from './blobs.js';
import { CatalogService } from './catalog.js';
import { ManifestService } from './manifests.js';
import { ReferrerService } from './referrers.js';
import { TagService } from './tags.js';
import { UploadService } from './uploads.js';

/** Every domain service the HTTP layer calls. */
export interface Registry {
  blobs: BlobStore;
  uploads: UploadService;
  manifests: ManifestService;
  tags: TagService;
  catalog: CatalogService;
  referrers: ReferrerService;
}

/**
 * Optional replacements of the blob, manifest and upload services by decorators that keep
 * their shape (the pull-through cache in src/proxy plugs in here).
 */
export interface ServiceFactories {
  blobs?(driver: StorageDriver): BlobStore;
  manifests?(driver: StorageDriver, blobs: BlobStore, tags: TagService): ManifestService;
  uploads?(driver: StorageDriver, blobs: BlobStore): UploadService;
}

/** Build the services over a driver. */
export function createRegistry(driver: StorageDriver, factories: ServiceFactories = {}): Registry {
  const blobs = factories.blobs?.(driver) ?? new BlobStore(driver);
  const tags = new TagService(driver);
  const manifests = factories.manifests?.(driver, blobs, tags) ?? new ManifestService(driver, blobs, tags);
  return {
    blobs,
    uploads: factories.uploads?.(driver, blobs) ?? new UploadService(driver, blobs),
    manifests,
    tags,
    catalog: new CatalogService(driver),
    referrers: new ReferrerService(driver, manifests),
  };
}
