/**
 * Users (system administrators): list, add, disable and enable, grant and revoke
 * administrator, reset a password, remove; and a name lookup any signed-in user may call (the
 * "add member" field of a project admin).
 */
import { z } from 'zod';
import { pageOf, pageQuery, window } from '../paging.js';
import { route } from '../route.js';
import { showUser, userSchema } from '../schemas.js';

const userParams = z.object({ name: z.string().min(1) });

/** The user routes. */
export const userRoutes = [
  route({
    method: 'get',
    path: '/users',
    tag: 'users',
    summary: 'A page of users (q: name contains)',
    permission: 'system:users.read',
    query: pageQuery,
    response: pageOf(userSchema),
    paged: true,
    async handler({ query, deps }) {
      const { users, total } = await deps.services.accounts.list({ ...window(query), query: query.q });
      return { items: users.map(showUser), total };
    },
  }),
  route({
    method: 'get',
    path: '/user-names',
    tag: 'users',
    summary: 'User names containing q (at most 20), for choosing a member',
    permission: 'signed-in',
    query: z.object({ q: z.string().max(200).default('') }),
    response: z.object({ names: z.array(z.string()) }),
    async handler({ query, deps }) {
      const { users } = await deps.services.accounts.list({ query: query.q, limit: 20 });
      return { names: users.filter((u) => !u.disabled).map((u) => u.name) };
    },
  }),
  route({
    method: 'post',
    path: '/users',
    tag: 'users',
    summary: 'Add a user',
    permission: 'system:users.manage',
    body: z.object({ name: z.string().min(1), password: z.string().min(1), admin: z.boolean().default(false) }),
    response: userSchema,
    status: 201,
    handler: async ({ body, deps }) => showUser(await deps.services.accounts.create(body.name, body.password, { admin: body.admin })),
  }),
  route({
    method: 'get',
    path: '/users/{name}',
    tag: 'users',
    summary: 'One user',
    permission: 'system:users.read',
    params: userParams,
    response: userSchema,
    handler: async ({ params, deps }) => showUser(await deps.services.accounts.get(params.name)),
  }),
  route({
    method: 'patch',
    path: '/users/{name}',
    tag: 'users',
    summary: 'Grant or revoke administrator, disable or enable (the last active administrator stays)',
    permission: 'system:users.manage',
    params: userParams,
    body: z.object({ admin: z.boolean().optional(), disabled: z.boolean().optional() }).strict(),
    response: userSchema,
    async handler({ params, body, deps }) {
      const accounts = deps.services.accounts;
      let user = await accounts.get(params.name);
      if (body.admin !== undefined) user = await accounts.setAdmin(params.name, body.admin);
      if (body.disabled !== undefined) user = await accounts.setDisabled(params.name, body.disabled);
      // A disabled user is signed out everywhere at once (its tokens stop at their expiry).
      if (body.disabled) await deps.services.stores.sessions.removeForUser(user.id);
      return showUser(user);
    },
  }),
  route({
    method: 'put',
    path: '/users/{name}/password',
    tag: 'users',
    summary: "Reset a user's password (its sessions end)",
    permission: 'system:users.manage',
    params: userParams,
    body: z.object({ password: z.string().min(1) }),
    async handler({ params, body, deps }) {
      const user = await deps.services.accounts.setPassword(params.name, body.password);
      await deps.services.stores.sessions.removeForUser(user.id);
    },
  }),
  route({
    method: 'delete',
    path: '/users/{name}',
    tag: 'users',
    summary: 'Remove a user and its memberships (never the last active administrator)',
    permission: 'system:users.manage',
    params: userParams,
    handler: ({ params, deps }) => deps.services.accounts.remove(params.name),
  }),
];
