/**
 * Repository count and storage used per project, for the project listing. The artifact index
 * (another step) knows both from the database and replaces this; until then the count comes
 * from the registry's catalog and storage used is unknown (null).
 */
import type { Registry } from '../registry/registry.js';
import { projectOf } from '../admin/names.js';

/** A project's size. */
export interface Usage {
  repositoryCount: number;
  /** Bytes of the project's blobs; null while nothing measures it. */
  storageBytes: number | null;
}

/** Answers usage for several projects at once (one listing page). */
export interface ProjectUsage {
  of(projects: readonly string[]): Promise<Map<string, Usage>>;
}

/** Usage from the registry's catalog: repository counts, storage unknown. */
export function catalogUsage(registry: Registry): ProjectUsage {
  return {
    async of(projects) {
      const wanted = new Set(projects);
      const out = new Map<string, Usage>(projects.map((p) => [p, { repositoryCount: 0, storageBytes: null }]));
      for (const repository of await registry.catalog.all()) {
        const p = projectOf(repository);
        if (wanted.has(p)) out.get(p)!.repositoryCount++;
      }
      return out;
    },
  };
}
