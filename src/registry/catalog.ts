/** The repository catalog: every folder under repositories/ that has a _manifests folder. */
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { baseName } from './links.js';
import * as paths from './paths.js';
import { compareLexical } from './tags.js';

/** Lists repositories by walking storage, as Distribution does. */
export class CatalogService {
  constructor(private readonly driver: StorageDriver) {}

  /** All repository names in lexical order. */
  async all(): Promise<string[]> {
    const names: string[] = [];
    const prefix = `${paths.REPOSITORIES}/`;
    try {
      await this.driver.walk(paths.REPOSITORIES, (info) => {
        if (!info.isDir) return;
        const base = baseName(info.path);
        if (!base.startsWith('_')) return;
        // "_manifests" marks its parent as a repository; no "_" folder holds repositories.
        if (base === '_manifests') names.push(info.path.slice(prefix.length, -'/_manifests'.length));
        return 'skip';
      });
    } catch (err) {
      if (err instanceof PathNotFoundError) return [];
      throw err;
    }
    return names.sort(compareLexical);
  }
}
