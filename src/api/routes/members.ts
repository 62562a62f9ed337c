/** Members of a project: list, add with a role, change the role, remove. */
import { z } from 'zod';
import { ROLE_TITLES, parseRole } from '../../admin/roles.js';
import { ApiError } from '../errors.js';
import { pageOf, pageQuery, slice } from '../paging.js';
import { route, type ApiDeps } from '../route.js';
import { memberSchema, projectParams, showMember } from '../schemas.js';

const memberParams = projectParams.extend({ user: z.string().min(1) });
/** A role as people write it: `developer`, `Project Admin`, `limited-guest`... (stored in its canonical form). */
const roleInput = z.string().min(1).describe('project-admin, maintainer, developer, guest or limited-guest');

async function memberOf(deps: ApiDeps, project: string, user: string) {
  return (await deps.services.projects.members(project)).find((m) => m.userName === user);
}

/** The member routes. */
export const memberRoutes = [
  route({
    method: 'get',
    path: '/projects/{project}/members',
    tag: 'members',
    summary: 'A page of the members of a project with their roles (q: user name contains)',
    permission: 'project:members.read',
    params: projectParams,
    query: pageQuery,
    response: pageOf(memberSchema),
    paged: true,
    async handler({ params, query, deps }) {
      const all = (await deps.services.projects.members(params.project)).filter((m) => !query.q || m.userName.includes(query.q));
      const page = slice(all, query);
      return { items: page.items.map(showMember), total: page.total };
    },
  }),
  route({
    method: 'post',
    path: '/projects/{project}/members',
    tag: 'members',
    summary: 'Add a user to a project with a role',
    permission: 'project:members.manage',
    params: projectParams,
    body: z.object({ user: z.string().min(1), role: roleInput }),
    response: memberSchema,
    status: 201,
    async handler({ params, body, deps }) {
      const role = parseRole(body.role);
      const existing = await memberOf(deps, params.project, body.user);
      if (existing) {
        const title = ROLE_TITLES[parseRole(existing.role)];
        throw new ApiError(
          409,
          'ALREADY_EXISTS',
          `${body.user} is already a member of ${params.project} (${title}): change the role instead`,
        );
      }
      return showMember(await deps.services.projects.setMember(params.project, body.user, role));
    },
  }),
  route({
    method: 'patch',
    path: '/projects/{project}/members/{user}',
    tag: 'members',
    summary: "Change a member's role",
    permission: 'project:members.manage',
    params: memberParams,
    body: z.object({ role: roleInput }).strict(),
    response: memberSchema,
    async handler({ params, body, deps }) {
      const role = parseRole(body.role);
      if (!(await memberOf(deps, params.project, params.user))) {
        throw new ApiError(404, 'NOT_FOUND', `${params.user} is not a member of project ${params.project}`);
      }
      return showMember(await deps.services.projects.setMember(params.project, params.user, role));
    },
  }),
  route({
    method: 'delete',
    path: '/projects/{project}/members/{user}',
    tag: 'members',
    summary: 'Take a user out of a project',
    permission: 'project:members.manage',
    params: memberParams,
    handler: ({ params, deps }) => deps.services.projects.removeMember(params.project, params.user),
  }),
];
