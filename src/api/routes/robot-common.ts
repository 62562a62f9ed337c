/**
 * What project robots and system robots share in the API: the expiry fields, finding a robot
 * by id within its scope, and the routes on one robot (show, change, refresh secret, remove),
 * made once for each scope.
 */
import { z, type AnyZodObject } from 'zod';
import type { Robot } from '../../db/robots.js';
import { ApiError } from '../errors.js';
import { route, type ApiDeps, type ApiRoute, type Permission } from '../route.js';
import { repositoryActionSchema, robotPermissionSchema, robotSchema, showRobot, time } from '../schemas.js';

/** The expiry of a new or changed robot: a time, a number of days from now, or null for never. */
export const expiryFields = {
  expiresAt: time.nullable().optional(),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
};

/** The expiry `body` asks for: a Date, null (never), or undefined (not given). */
export function expiryOf(body: { expiresAt?: string | null; expiresInDays?: number }): Date | null | undefined {
  if (body.expiresAt !== undefined && body.expiresInDays !== undefined) {
    throw new ApiError(400, 'INVALID_INPUT', 'body: give expiresAt or expiresInDays, not both');
  }
  if (body.expiresInDays !== undefined) return new Date(Date.now() + body.expiresInDays * 86_400_000);
  if (body.expiresAt === null || body.expiresAt === undefined) return body.expiresAt;
  const at = new Date(body.expiresAt);
  if (Number.isNaN(at.getTime())) throw new ApiError(400, 'INVALID_INPUT', `body.expiresAt: not a time: ${JSON.stringify(body.expiresAt)}`);
  return at;
}

/** A robot and its secret (shown this once). */
export const robotWithSecretSchema = z.object({ robot: robotSchema, secret: z.string() });

/** Where robots live: a project's (by the `project` path parameter) or the system's. */
export interface RobotScope {
  /** Path of the collection: `/projects/{project}/robots` or `/robots`. */
  base: string;
  tag: string;
  params: AnyZodObject;
  read: Permission;
  manage: Permission;
  /** The project a robot must belong to (its name), or null for system robots. */
  project(params: Record<string, string>): string | null;
}

/** The robot with `id` in `scope`'s project (or a system robot); 404 otherwise. */
export async function robotIn(deps: ApiDeps, project: string | null, id: number): Promise<Robot> {
  const robot = await deps.services.stores.robots.byId(id);
  const projectId = project === null ? null : (await deps.services.projects.get(project)).id;
  if (!robot || robot.projectId !== projectId) {
    throw new ApiError(
      404,
      'NOT_FOUND',
      project === null ? `no system robot with id ${id}` : `no robot with id ${id} in project ${project}`,
    );
  }
  return robot;
}

/** GET, PATCH and DELETE on one robot, and POST to refresh its secret, in `scope`. */
export function robotItemRoutes(scope: RobotScope): ApiRoute[] {
  const params = scope.params.extend({ id: z.coerce.number().int().positive() });
  const path = `${scope.base}/{id}`;
  const find = (deps: ApiDeps, p: Record<string, unknown>) => robotIn(deps, scope.project(p as Record<string, string>), p['id'] as number);
  const show = (r: Robot, p: Record<string, unknown>) => showRobot(r, scope.project(p as Record<string, string>));
  return [
    route({
      method: 'get',
      path,
      tag: scope.tag,
      summary: 'One robot account (never its secret)',
      permission: scope.read,
      params,
      response: robotSchema,
      handler: async ({ params, deps }) => show(await find(deps, params), params),
    }),
    route({
      method: 'patch',
      path,
      tag: scope.tag,
      summary: 'Disable or enable a robot, change its description, permissions or expiry',
      permission: scope.manage,
      params,
      body: z
        .object({
          disabled: z.boolean().optional(),
          description: z.string().max(1000).optional(),
          /** Project robots: the actions on their project. */
          actions: z.array(repositoryActionSchema).min(1).optional(),
          /** System robots: the permissions per project. */
          permissions: z.array(robotPermissionSchema).min(1).optional(),
          ...expiryFields,
        })
        .strict(),
      response: robotSchema,
      async handler({ params, body, deps }) {
        const robot = await find(deps, params);
        const robots = deps.services.robots;
        const project = scope.project(params as Record<string, string>);
        if (body.actions && project === null)
          throw new ApiError(400, 'INVALID_INPUT', 'body.actions: a system robot has permissions per project');
        if (body.permissions && project !== null) throw new ApiError(400, 'INVALID_INPUT', 'body.permissions: a project robot has actions');
        const permissions = body.actions
          ? [{ namespace: project!, actions: body.actions }]
          : body.permissions?.map((p) => ({ namespace: p.project, actions: p.actions }));
        let updated = await robots.update(robot.name, { description: body.description, expiresAt: expiryOf(body), permissions });
        if (body.disabled !== undefined) updated = await robots.setDisabled(robot.name, body.disabled);
        return show(updated, params);
      },
    }),
    route({
      method: 'post',
      path: `${path}/secret`,
      tag: scope.tag,
      summary: 'A new secret for a robot (shown this once); the old one stops working at once',
      permission: scope.manage,
      params,
      response: robotWithSecretSchema,
      async handler({ params, deps }) {
        const r = await deps.services.robots.refresh((await find(deps, params)).name);
        return { robot: show(r.robot, params), secret: r.secret };
      },
    }),
    route({
      method: 'delete',
      path,
      tag: scope.tag,
      summary: 'Remove a robot account',
      permission: scope.manage,
      params,
      handler: async ({ params, deps }) => deps.services.robots.remove((await find(deps, params)).name),
    }),
  ];
}
