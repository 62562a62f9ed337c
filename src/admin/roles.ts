/**
 * The role table: what each project role (Harbor's five) may do, what anyone may do on a public
 * project, what a system administrator may do. The registry's token policy and the management
 * API both authorize through it (see authorizer.ts); README's "Roles" table is checked against it.
 */
import { InvalidInputError } from './errors.js';

/** Actions on a project and its repositories. */
export const PROJECT_ACTIONS = [
  'pull',
  'push',
  'delete',
  'project.read',
  'project.update',
  'project.delete',
  'members.read',
  'members.manage',
  'robots.read',
  'robots.manage',
  'audit.read',
] as const;
/** An action on a project. */
export type ProjectAction = (typeof PROJECT_ACTIONS)[number];

/** Actions on the registry as a whole. */
export const SYSTEM_ACTIONS = [
  'projects.create',
  'users.read',
  'users.manage',
  'robots.system',
  'audit.system',
  // System information (counts, cache statistics) and switches (read-only mode): administrators.
  'system.read',
  'system.manage',
] as const;
/** An action on the registry as a whole. */
export type SystemAction = (typeof SYSTEM_ACTIONS)[number];

/** What robots may be given per project (the registry's actions). */
export const REPOSITORY_ACTIONS = ['pull', 'push', 'delete'] as const;
/** A registry action. */
export type RepositoryAction = (typeof REPOSITORY_ACTIONS)[number];

/** Project roles, most powerful first. */
export const ROLES = ['project-admin', 'maintainer', 'developer', 'guest', 'limited-guest'] as const;
/** A project role. */
export type Role = (typeof ROLES)[number];

/** How roles are shown. */
export const ROLE_TITLES: Readonly<Record<Role, string>> = {
  'project-admin': 'Project Admin',
  maintainer: 'Maintainer',
  developer: 'Developer',
  guest: 'Guest',
  'limited-guest': 'Limited Guest',
};

const LIMITED_GUEST: readonly ProjectAction[] = ['pull', 'project.read'];
const GUEST: readonly ProjectAction[] = [...LIMITED_GUEST, 'members.read', 'robots.read', 'audit.read'];
const DEVELOPER: readonly ProjectAction[] = [...GUEST, 'push'];
const MAINTAINER: readonly ProjectAction[] = [...DEVELOPER, 'delete'];
const PROJECT_ADMIN: readonly ProjectAction[] = [...MAINTAINER, 'project.update', 'project.delete', 'members.manage', 'robots.manage'];

/** What each role may do in its project (Harbor's table, reduced to Berth's actions). */
export const ROLE_ACTIONS: Readonly<Record<Role, ReadonlySet<ProjectAction>>> = {
  'project-admin': new Set(PROJECT_ADMIN),
  maintainer: new Set(MAINTAINER),
  developer: new Set(DEVELOPER),
  guest: new Set(GUEST),
  'limited-guest': new Set(LIMITED_GUEST),
};

/** What anyone, signed in or anonymous, may do on a public project. */
export const PUBLIC_ACTIONS: ReadonlySet<ProjectAction> = new Set(['pull', 'project.read']);

/** What a signed-in user who is not an administrator may do on the registry as a whole. */
export const USER_SYSTEM_ACTIONS: ReadonlySet<SystemAction> = new Set(['projects.create']);

const ALIASES: Readonly<Record<string, Role>> = {
  admin: 'project-admin',
  projectadmin: 'project-admin',
  'project-admin': 'project-admin',
  maintainer: 'maintainer',
  master: 'maintainer',
  developer: 'developer',
  guest: 'guest',
  limitedguest: 'limited-guest',
  'limited-guest': 'limited-guest',
};

/** A role from how people write it (`project-admin`, `Project Admin`, `projectAdmin`, `limited-guest` ...). */
export function parseRole(text: string): Role {
  const key = text
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '');
  const role = ALIASES[key] ?? ALIASES[key.replace(/-/g, '')];
  if (!role) throw new InvalidInputError(`unknown role ${JSON.stringify(text)}: one of ${ROLES.join(', ')}`);
  return role;
}

/** Whether `text` names a role as stored. */
export const isRole = (text: string): text is Role => (ROLES as readonly string[]).includes(text);

/** Registry actions from a list such as `pull,push`; push brings pull (docker asks for both to push). */
export function parseRepositoryActions(list: readonly string[]): RepositoryAction[] {
  const out = new Set<RepositoryAction>();
  for (const raw of list) {
    const a = raw.trim();
    if (a === '') continue;
    if (!(REPOSITORY_ACTIONS as readonly string[]).includes(a)) {
      throw new InvalidInputError(`unknown permission ${JSON.stringify(a)}: one of ${REPOSITORY_ACTIONS.join(', ')}`);
    }
    out.add(a as RepositoryAction);
    if (a === 'push') out.add('pull');
  }
  if (out.size === 0) throw new InvalidInputError('a permission needs at least one of pull, push, delete');
  return REPOSITORY_ACTIONS.filter((a) => out.has(a));
}
