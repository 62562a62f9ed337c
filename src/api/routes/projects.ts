/**
 * Projects: list (those the caller may see, with repository count, storage used and the
 * caller's permissions), create, show, change visibility, delete when empty. With auth off the
 * two read routes answer from the artifact index (open-projects.ts).
 */
import { z } from 'zod';
import type { Principal } from '../../admin/principal.js';
import type { Project } from '../../db/projects.js';
import { ApiError } from '../errors.js';
import { pageOf, pageQuery, window } from '../paging.js';
import { openProject, openProjects } from '../open-projects.js';
import { route, type ApiDeps } from '../route.js';
import { projectParams, projectSchema } from '../schemas.js';

type ProjectOut = z.input<typeof projectSchema>;

/** Projects as shown to `viewer`: usage and the viewer's role and permissions on each. */
export async function showProjects(deps: ApiDeps, viewer: Principal | undefined, projects: readonly Project[]): Promise<ProjectOut[]> {
  const usage = await deps.usage.of(projects.map((p) => p.name));
  return Promise.all(
    projects.map(async (p) => {
      const rights = await deps.services.authorizer.rights(viewer, p.name);
      const a = rights.actions;
      const permissions = (['pull', 'push', 'delete'] as const).filter((x) => a.has(x)) as ProjectOut['permissions'];
      if (a.has('project.update')) permissions.push('admin');
      const u = usage.get(p.name);
      return {
        name: p.name,
        public: p.public,
        repositoryCount: u?.repositoryCount ?? 0,
        storageBytes: u?.storageBytes ?? null,
        createdAt: p.createdAt.toISOString(),
        role: rights.role ?? null,
        permissions,
      };
    }),
  );
}

const showOne = async (deps: ApiDeps, viewer: Principal | undefined, p: Project) => (await showProjects(deps, viewer, [p]))[0]!;

/** The project routes. */
export const projectRoutes = [
  route({
    method: 'get',
    path: '/projects',
    tag: 'projects',
    summary: 'A page of the projects the caller may see (anonymous: the public ones); q: name contains',
    permission: 'anyone',
    query: pageQuery.extend({ public: z.enum(['true', 'false']).optional() }),
    response: pageOf(projectSchema),
    paged: true,
    async handler({ query, caller, deps }) {
      if (deps.authMode === 'off') return openProjects(deps, query);
      const visibility = query.public === undefined ? undefined : query.public === 'true';
      const { projects, total } = await deps.services.projects.list(caller.principal, {
        ...window(query),
        query: query.q,
        public: visibility,
      });
      return { items: await showProjects(deps, caller.principal, projects), total };
    },
  }),
  route({
    method: 'post',
    path: '/projects',
    tag: 'projects',
    summary: 'Create a project (private unless public); its creator becomes its Project Admin',
    permission: 'system:projects.create',
    body: z.object({ name: z.string().min(1), public: z.boolean().default(false) }),
    response: projectSchema,
    status: 201,
    async handler({ body, caller, deps }) {
      const owner = caller.principal?.kind === 'user' ? caller.principal.id : undefined;
      const project = await deps.services.projects.create(body.name, { public: body.public, owner });
      return showOne(deps, caller.principal, project);
    },
  }),
  route({
    method: 'get',
    path: '/projects/{project}',
    tag: 'projects',
    summary: 'One project',
    permission: 'project:project.read',
    params: projectParams,
    response: projectSchema,
    handler: async ({ params, caller, deps }) =>
      deps.authMode === 'off'
        ? openProject(deps, params.project)
        : showOne(deps, caller.principal, await deps.services.projects.get(params.project)),
  }),
  route({
    method: 'patch',
    path: '/projects/{project}',
    tag: 'projects',
    summary: 'Make a project public (anonymous pull) or private',
    permission: 'project:project.update',
    params: projectParams,
    body: z.object({ public: z.boolean() }).strict(),
    response: projectSchema,
    async handler({ params, body, caller, deps }) {
      const project = await deps.services.projects.setPublic(params.project, body.public);
      return showOne(deps, caller.principal, project);
    },
  }),
  route({
    method: 'delete',
    path: '/projects/{project}',
    tag: 'projects',
    summary: 'Delete an empty project with its members and robots (409 while it holds repositories)',
    permission: 'project:project.delete',
    params: projectParams,
    async handler({ params, deps }) {
      const count = (await deps.usage.of([params.project])).get(params.project)?.repositoryCount ?? 0;
      if (count > 0) {
        const what = count === 1 ? 'its repository' : `its ${count} repositories`;
        throw new ApiError(409, 'NOT_EMPTY', `project ${params.project} is not empty: delete ${what} first`, { repositoryCount: count });
      }
      await deps.services.projects.remove(params.project);
    },
  }),
];
