/**
 * Whole repositories: removing one. As in Distribution's layout, a repository is its folder
 * under repositories/; removing its `_manifests` folder takes it out of the catalog at once,
 * and its `_layers`, `_referrers` and `_uploads` folders go with it. Blobs are content
 * addressed and may be shared, so they stay in the blob store until the next garbage
 * collection finds nothing referencing them. Repositories nested under this one's name
 * (`team/app/sub` below `team/app`) are their own repositories and are left alone.
 */
import type { EventBus } from '../events/bus.js';
import type { Origin } from '../events/events.js';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import type { CatalogService } from './catalog.js';
import { NameUnknownError } from './errors.js';
import type { WriteGuards } from './guards.js';
import { baseName, deleteIfExists, listOrEmpty } from './links.js';
import * as paths from './paths.js';

/** What removing a repository took away. */
export interface RemovedRepository {
  name: string;
  /** The tags it had. */
  tags: string[];
  /** How many manifest revisions it held. */
  manifests: number;
}

/** Repository-level operations over the storage driver. */
export class RepositoryService {
  constructor(
    private readonly driver: StorageDriver,
    private readonly catalog: CatalogService,
    private readonly events: EventBus,
    private readonly guards: WriteGuards,
  ) {}

  /** Every repository name in lexical order (the catalog). */
  list(): Promise<readonly string[]> {
    return this.catalog.all();
  }

  /**
   * Remove a repository's tags, manifests, blob links, referrer links and uploads; it leaves
   * the catalog at once. NameUnknownError when there is no such repository; write guards
   * (read-only mode) are asked first.
   */
  async remove(name: string, origin?: Origin): Promise<RemovedRepository> {
    await this.guards.check({ action: 'repository.delete', repository: name, origin });
    try {
      await this.driver.stat(paths.manifestsDir(name));
    } catch (err) {
      if (err instanceof PathNotFoundError) throw new NameUnknownError('repository name not known to registry', { name });
      throw err;
    }
    const tags = (await listOrEmpty(this.driver, paths.tagsDir(name))).map(baseName).sort();
    const algorithms = await listOrEmpty(this.driver, `${paths.manifestsDir(name)}/revisions`);
    const manifests = (await Promise.all(algorithms.map((a) => listOrEmpty(this.driver, a)))).flat().length;
    // _manifests first: from this moment the repository is gone from the catalog and every lookup.
    await deleteIfExists(this.driver, paths.manifestsDir(name));
    const dir = paths.repoDir(name);
    const children = await listOrEmpty(this.driver, dir);
    for (const child of children) if (baseName(child).startsWith('_')) await deleteIfExists(this.driver, child);
    // The folder itself when nothing nested lives in it (a write racing us may have just recreated it).
    if (children.every((c) => baseName(c).startsWith('_')) && (await listOrEmpty(this.driver, dir)).length === 0) {
      await deleteIfExists(this.driver, dir);
    }
    this.events.emit('repository.deleted', { repository: name, tags, manifests }, origin);
    return { name, tags, manifests };
  }
}
