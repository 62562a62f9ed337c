/** Project usage (repository count, storage used) from the artifact index: one query per page. */
import type { IndexStore } from '../db/index-store.js';
import type { ProjectUsage, Usage } from './project-usage.js';

/** The usage the project listing shows, read from the index. */
export function indexUsage(index: IndexStore): ProjectUsage {
  return {
    async of(projects) {
      const found = await index.projectUsage(projects);
      return new Map<string, Usage>(
        projects.map((p) => {
          const u = found.get(p);
          return [p, { repositoryCount: u?.repositories ?? 0, storageBytes: u?.size ?? 0 }];
        }),
      );
    },
  };
}
