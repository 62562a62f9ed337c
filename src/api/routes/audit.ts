/**
 * The audit log: filtered by user, project, action and time, newest first. System
 * administrators see every entry; others see the entries of the projects where their role
 * grants audit.read (the role table, src/admin/roles.ts), and nothing outside a project.
 */
import { z } from 'zod';
import type { Principal } from '../../admin/principal.js';
import type { AuditFilter } from '../../db/audit-store.js';
import { ApiError } from '../errors.js';
import { auditEntrySchema, showAuditEntry } from '../index-schemas.js';
import { pageOf, pageQuery, window } from '../paging.js';
import { route, type ApiDeps } from '../route.js';
import { projectParams } from '../schemas.js';

const auditQuery = pageQuery.omit({ q: true }).extend({
  user: z.string().min(1).optional().describe('Only what this account did'),
  project: z.string().min(1).optional(),
  action: z.string().min(1).optional().describe('push, pull, delete, login, token, management (or management.<operation>)'),
  since: z.coerce.date().optional().describe('ISO 8601: entries at or after'),
  until: z.coerce.date().optional().describe('ISO 8601: entries before'),
});

type AuditQuery = z.output<typeof auditQuery>;

/** The projects whose audit entries `viewer` may read; undefined: all entries (a system administrator). */
async function readableProjects(deps: ApiDeps, viewer: Principal): Promise<string[] | undefined> {
  if (deps.services.authorizer.canSystem(viewer, 'audit.system').allowed) return undefined;
  const { projects } = await deps.services.projects.list(viewer);
  const readable: string[] = [];
  for (const p of projects) if ((await deps.services.authorizer.rights(viewer, p.name)).actions.has('audit.read')) readable.push(p.name);
  return readable;
}

async function page(deps: ApiDeps, query: AuditQuery, projects: readonly string[] | undefined) {
  const filter: AuditFilter = {
    ...(query.user ? { actor: query.user } : {}),
    ...(projects ? { projects } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.since ? { since: query.since } : {}),
    ...(query.until ? { until: query.until } : {}),
  };
  // What is pending in memory is written first: an entry for what just happened is listed.
  await deps.audit?.flush();
  const [items, total] = await Promise.all([
    deps.services.stores.audit.list({ ...filter, ...window(query) }),
    deps.services.stores.audit.count(filter),
  ]);
  return { items: items.map(showAuditEntry), total };
}

/** The audit routes. */
export const auditRoutes = [
  route({
    method: 'get',
    path: '/audit',
    tag: 'audit',
    summary: 'A page of audit entries the caller may read (system administrators: all; others: their projects’)',
    permission: 'signed-in',
    query: auditQuery,
    response: pageOf(auditEntrySchema),
    paged: true,
    async handler({ query, caller, deps }) {
      let projects = await readableProjects(deps, caller.principal!);
      if (query.project !== undefined) {
        if (projects !== undefined && !projects.includes(query.project)) {
          throw new ApiError(403, 'DENIED', `you may not read the audit log of project ${query.project}`);
        }
        projects = [query.project];
      }
      return page(deps, query, projects);
    },
  }),
  route({
    method: 'get',
    path: '/projects/{project}/audit',
    tag: 'audit',
    summary: 'A page of the audit entries of one project',
    permission: 'project:audit.read',
    params: projectParams,
    query: auditQuery.omit({ project: true }),
    response: pageOf(auditEntrySchema),
    paged: true,
    handler: ({ params, query, deps }) => page(deps, query, [params.project]),
  }),
];
