/** The caller's own account: who it is, and changing its own password. */
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { route } from '../route.js';
import { principalSchema, robotPermissionSchema, showPrincipal } from '../schemas.js';

const meSchema = principalSchema.extend({
  /** A robot's permissions (empty for users: their rights come from their roles). */
  permissions: z.array(robotPermissionSchema),
});

/** The current-user routes. */
export const meRoutes = [
  route({
    method: 'get',
    path: '/me',
    tag: 'me',
    summary: 'The calling user or robot',
    permission: 'signed-in',
    response: meSchema,
    handler: ({ caller }) => {
      const p = caller.principal!;
      const permissions =
        p.kind === 'robot'
          ? p.permissions.map((x) => ({ project: x.namespace, actions: x.actions as ('pull' | 'push' | 'delete')[] }))
          : [];
      return { ...showPrincipal(p), permissions };
    },
  }),
  route({
    method: 'put',
    path: '/me/password',
    tag: 'me',
    summary: 'Change your own password (the current one is asked again); your other sessions end',
    permission: 'signed-in',
    body: z.object({ currentPassword: z.string().min(1), newPassword: z.string().min(1) }),
    async handler({ body, caller, deps }) {
      const p = caller.principal!;
      if (p.kind !== 'user') throw new ApiError(403, 'DENIED', 'a robot has a secret, not a password: refresh it through its project');
      const check = await deps.services.accounts.authenticate(p.name, body.currentPassword);
      if (!check?.ok) throw new ApiError(403, 'DENIED', 'the current password is not correct');
      await deps.services.accounts.setPassword(p.name, body.newPassword);
      await deps.services.stores.sessions.removeForUser(p.id, caller.session?.idHash);
    },
  }),
];
