/**
 * The authorization hook: a route's permission against the caller, by the same role table as
 * the registry (src/admin/authorizer.ts). Anonymous where an account is needed → 401; an
 * account without the right → 403 with the authorizer's reason; a project the caller may not
 * see → 404, as if it did not exist.
 */
import type { ProjectAction, SystemAction } from '../admin/roles.js';
import { ApiError } from './errors.js';
import type { ApiDeps, Caller, Permission } from './route.js';

/**
 * The system routes that need no account where the registry has none: with auth off the
 * registry is open (anyone may push and delete), so its read-only switch and system information
 * are open too; with htpasswd every user of the file may do anything, so they are theirs.
 * Everything about accounts needs accounts.
 */
const OPERATOR_PERMISSIONS: ReadonlySet<Permission> = new Set(['system:system.read', 'system:system.manage']);

/**
 * What anyone may read with auth off: the registry lets anyone pull every repository, so its
 * projects, repositories and artifacts may be browsed too (issue 13: the UI browses everything).
 * Management (members, robots, deletes, imports) still needs accounts.
 */
const OPEN_READS: ReadonlySet<Permission> = new Set(['project:pull', 'project:project.read']);

/** Throw ApiError unless `caller` holds `permission` (`project` names the route's project, if any). */
export async function authorize(deps: ApiDeps, permission: Permission, caller: Caller, project: string | undefined): Promise<void> {
  if (permission === 'anyone') return;
  if (deps.authMode === 'off' && (OPERATOR_PERMISSIONS.has(permission) || OPEN_READS.has(permission))) return;
  if (deps.authMode === 'htpasswd' && OPERATOR_PERMISSIONS.has(permission)) {
    if (caller.operator) return;
    throw unauthenticated(caller);
  }
  if (deps.authMode !== 'accounts') {
    throw new ApiError(
      404,
      'ACCOUNTS_OFF',
      `accounts are off on this registry (auth mode ${deps.authMode}): turn them on with auth.accounts: true (BERTH_AUTH_ACCOUNTS=true)`,
    );
  }
  const principal = caller.principal;
  // Anonymous callers may still read a public project; anything else needs an account.
  if (!principal && !permission.startsWith('project:')) throw unauthenticated(caller);
  if (permission === 'signed-in') return;
  const [kind, action] = splitPermission(permission);
  if (kind === 'system') {
    const d = deps.services.authorizer.canSystem(principal, action as SystemAction);
    if (!d.allowed) throw new ApiError(403, 'DENIED', d.reason);
    return;
  }
  if (project === undefined) throw new Error(`route with permission ${permission} has no {project} parameter`);
  const d = await deps.services.authorizer.can(principal, action as ProjectAction, project);
  if (d.allowed) return;
  if (!principal) throw unauthenticated(caller);
  if (d.notFound) throw new ApiError(404, 'NOT_FOUND', `no project named ${project}`);
  throw new ApiError(403, 'DENIED', d.reason);
}

function unauthenticated(caller: Caller): ApiError {
  if (caller.staleSession === 'expired') return new ApiError(401, 'SESSION_EXPIRED', 'your session expired: sign in again');
  return new ApiError(401, 'UNAUTHORIZED', 'authentication required: sign in, or send Basic or Bearer credentials');
}

function splitPermission(p: Permission): ['system' | 'project', string] {
  const colon = p.indexOf(':');
  return [p.slice(0, colon) as 'system' | 'project', p.slice(colon + 1)];
}
