/**
 * Robot accounts: a project's (Project Admins manage them) and system robots with permissions
 * on several projects or all (administrators). The secret is shown once, at creation and at
 * refresh.
 */
import { z } from 'zod';
import { pageOf, pageQuery, slice } from '../paging.js';
import { route } from '../route.js';
import { projectParams, repositoryActionSchema, robotPermissionSchema, robotSchema, showRobot } from '../schemas.js';
import { expiryFields, expiryOf, robotItemRoutes, robotWithSecretSchema } from './robot-common.js';

const robotName = z.string().min(1).describe('the short name: the login name is robot+PROJECT+NAME (project) or robot+NAME (system)');
const filterByName = <T extends { name: string }>(all: T[], q: string | undefined) => (q ? all.filter((r) => r.name.includes(q)) : all);

/** The robot routes. */
export const robotRoutes = [
  route({
    method: 'get',
    path: '/projects/{project}/robots',
    tag: 'robots',
    summary: "A page of a project's robot accounts (q: name contains)",
    permission: 'project:robots.read',
    params: projectParams,
    query: pageQuery,
    response: pageOf(robotSchema),
    paged: true,
    async handler({ params, query, deps }) {
      const page = slice(filterByName(await deps.services.robots.list(params.project), query.q), query);
      return { items: page.items.map((r) => showRobot(r, params.project)), total: page.total };
    },
  }),
  route({
    method: 'post',
    path: '/projects/{project}/robots',
    tag: 'robots',
    summary: 'Create a robot of the project with actions there; its secret is in this answer only',
    permission: 'project:robots.manage',
    params: projectParams,
    body: z.object({
      name: robotName,
      description: z.string().max(1000).optional(),
      actions: z.array(repositoryActionSchema).min(1),
      ...expiryFields,
    }),
    response: robotWithSecretSchema,
    status: 201,
    async handler({ params, body, deps }) {
      const { robot, secret } = await deps.services.robots.createForProject(params.project, body.name, body.actions, {
        description: body.description,
        expiresAt: expiryOf(body),
      });
      return { robot: showRobot(robot, params.project), secret };
    },
  }),
  ...robotItemRoutes({
    base: '/projects/{project}/robots',
    tag: 'robots',
    params: projectParams,
    read: 'project:robots.read',
    manage: 'project:robots.manage',
    project: (p) => p['project']!,
  }),
  route({
    method: 'get',
    path: '/robots',
    tag: 'system robots',
    summary: 'A page of the system robots (q: name contains)',
    permission: 'system:robots.system',
    query: pageQuery,
    response: pageOf(robotSchema),
    paged: true,
    async handler({ query, deps }) {
      const page = slice(filterByName(await deps.services.robots.list(null), query.q), query);
      return { items: page.items.map((r) => showRobot(r, null)), total: page.total };
    },
  }),
  route({
    method: 'post',
    path: '/robots',
    tag: 'system robots',
    summary: 'Create a system robot with permissions on several projects (project * for all); its secret is in this answer only',
    permission: 'system:robots.system',
    body: z.object({
      name: robotName,
      description: z.string().max(1000).optional(),
      permissions: z.array(robotPermissionSchema).min(1),
      ...expiryFields,
    }),
    response: robotWithSecretSchema,
    status: 201,
    async handler({ body, deps }) {
      const permissions = body.permissions.map((p) => ({ namespace: p.project, actions: p.actions }));
      const { robot, secret } = await deps.services.robots.createSystem(body.name, permissions, {
        description: body.description,
        expiresAt: expiryOf(body),
      });
      return { robot: showRobot(robot, null), secret };
    },
  }),
  ...robotItemRoutes({
    base: '/robots',
    tag: 'system robots',
    params: z.object({}),
    read: 'system:robots.system',
    manage: 'system:robots.system',
    project: () => null,
  }),
];
