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

/** Build the services over a driver. */
export function createRegistry(driver: StorageDriver): Registry {
  const blobs = new BlobStore(driver);
  const tags = new TagService(driver);
  const manifests = new ManifestService(driver, blobs, tags);
  return {
    blobs,
    uploads: new UploadService(driver, blobs),
    manifests,
    tags,
    catalog: new CatalogService(driver),
    referrers: new ReferrerService(driver, manifests),
  };
}
