/**
 * Projects on a registry with auth off. There are no accounts, so the projects table is not
 * used (nobody creates projects); a project is what the artifact index holds: the first path
 * component of each indexed repository (`library` for one-component names, src/admin/names.ts).
 * The registry is open to anyone, so every such project is shown public and readable, and no
 * management is offered (the management routes stay refused).
 */
import type { z } from 'zod';
import { ApiError } from './errors.js';
import { slice, type PageQuery } from './paging.js';
import type { ApiDeps } from './route.js';
import type { projectSchema } from './schemas.js';

type ProjectOut = z.input<typeof projectSchema>;

/** A page of the projects the index holds (q: name contains; public=false: none, all are open). */
export async function openProjects(deps: ApiDeps, query: PageQuery & { public?: 'true' | 'false' }) {
  if (query.public === 'false') return { items: [], total: 0 };
  const usage = await deps.services.stores.index.projectUsage();
  const names = [...usage.keys()].filter((n) => !query.q || n.includes(query.q)).sort();
  const page = slice(names, query);
  return { items: page.items.map((n) => shown(n, usage.get(n)!)), total: page.total };
}

/** One project the index holds; 404 when no repository of it is indexed. */
export async function openProject(deps: ApiDeps, name: string): Promise<ProjectOut> {
  const found = (await deps.services.stores.index.projectUsage([name])).get(name);
  if (!found) throw new ApiError(404, 'NOT_FOUND', `no project named ${name}`);
  return shown(name, found);
}

function shown(name: string, u: { repositories: number; size: number }): ProjectOut {
  // No creation record exists without accounts: createdAt is null.
  return { name, public: true, repositoryCount: u.repositories, storageBytes: u.size, createdAt: null, role: null, permissions: ['pull'] };
}
