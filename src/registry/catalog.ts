/** The repository catalog: every folder under repositories/ that has a _manifests folder. */
import type { StorageDriver } from '../storage/driver.js';
import { baseName, listOrEmpty } from './links.js';
import * as paths from './paths.js';
import { compareLexical } from './tags.js';

// Folders listed at once while descending: enough to hide S3 round trips, bounded so a
// bucket with many repositories does not open thousands of requests together.
const PARALLEL = 32;

/**
 * Lists repositories from folder listings only (one list per folder, no stat per entry), so
 * the storage cache keeps the whole walk in memory and S3 pays one ListObjectsV2 per folder.
 */
export class CatalogService {
  #memo: { names: readonly string[]; generation: number; expires: number } | undefined;

  /** `cache`, when given, is the storage cache the driver reads through: the walk is kept while it holds. */
  constructor(
    private readonly driver: StorageDriver,
    private readonly cache?: { readonly generation: number; readonly ttlMs: number },
  ) {}

  /** All repository names in lexical order. */
  async all(): Promise<readonly string[]> {
    const memo = this.#memo;
    if (memo && this.cache && memo.generation === this.cache.generation && memo.expires > Date.now()) return memo.names;
    const generation = this.cache?.generation ?? 0;
    const names = Object.freeze(await this.#walk());
    if (this.cache && this.cache.ttlMs > 0) this.#memo = { names, generation, expires: Date.now() + this.cache.ttlMs };
    return names;
  }

  /**
   * Up to `limit` repositories that link blobs (a `_layers` folder, with or without manifests
   * yet), nearest the root first. The walk stops once it has found that many, or has listed
   * eight folders per name asked for (folders of uploads only, or deep names, cost listings).
   */
  withBlobs(limit: number): Promise<string[]> {
    return this.#walk('_layers', limit, limit * 8);
  }

  // Folders holding `marker` ("_manifests" makes a repository of the catalog), breadth first.
  async #walk(marker = '_manifests', limit = Infinity, listings = Infinity): Promise<string[]> {
    const names: string[] = [];
    const prefix = `${paths.REPOSITORIES}/`;
    let level = [paths.REPOSITORIES];
    while (level.length > 0) {
      const next: string[] = [];
      for (let i = 0; i < level.length && names.length < limit && listings > 0; i += PARALLEL) {
        const batch = level.slice(i, i + Math.min(PARALLEL, listings));
        listings -= batch.length;
        const lists = await Promise.all(batch.map((dir) => listOrEmpty(this.driver, dir)));
        lists.forEach((children, j) => {
          const dir = level[i + j]!;
          for (const child of children) {
            const base = baseName(child);
            // The marker names its folder; no "_" folder holds repositories.
            if (base === marker) names.push(dir.slice(prefix.length));
            else if (!base.startsWith('_')) next.push(child);
          }
        });
      }
      // A folder that vanished while we descend (a repository being deleted) lists as empty.
      level = names.length >= limit || listings <= 0 ? [] : next;
    }
    return names.sort(compareLexical).slice(0, limit);
  }
}
