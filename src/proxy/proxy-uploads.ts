/** The upload service decorator: no upload session may start in a mirrored repository. */
import type { EventBus } from '../events/bus.js';
import { UploadService, type UploadStatus } from '../registry/uploads.js';
import type { BlobStore } from '../registry/blobs.js';
import type { RunningHashes } from '../registry/hash-state.js';
import type { StorageDriver } from '../storage/driver.js';
import { denyWrite, type ProxyService } from './proxy-service.js';

/** UploadService refusing pushes into mirrored namespaces (monolithic uploads start here too). */
export class ProxyUploadService extends UploadService {
  constructor(
    driver: StorageDriver,
    blobs: BlobStore,
    hashes: RunningHashes,
    events: EventBus,
    private readonly proxy: ProxyService,
  ) {
    super(driver, blobs, hashes, events);
  }

  /** Open a session, unless the repository mirrors an upstream. */
  override start(name: string): Promise<UploadStatus> {
    denyWrite(this.proxy, name);
    return super.start(name);
  }
}
