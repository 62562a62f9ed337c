/**
 * Authorization by the role table (roles.ts), for the registry's token policy and the
 * management API alike: what a principal may do on a project, and why not when it may not.
 */
import type { Project } from '../db/projects.js';
import type { Stores } from '../db/stores.js';
import { AlreadyExistsError } from './errors.js';
import { projectOf } from './names.js';
import { describe, type Principal } from './principal.js';
import type { ProjectService } from './projects.js';
import {
  PROJECT_ACTIONS,
  PUBLIC_ACTIONS,
  REPOSITORY_ACTIONS,
  ROLE_ACTIONS,
  ROLE_TITLES,
  USER_SYSTEM_ACTIONS,
  isRole,
  type ProjectAction,
  type Role,
  type SystemAction,
} from './roles.js';

/** An answer to "may X do Y": yes, or no with a reason; `notFound` when the project does not exist or X may not see it. */
export type Decision = { allowed: true } | { allowed: false; reason: string; notFound: boolean };

/** What a principal may do on one project. */
export interface ProjectRights {
  /** The project, when it exists. */
  project?: Project;
  /** The principal's role there, for a member. */
  role?: Role;
  /** A member (a user with a role, a robot with a permission there). */
  member: boolean;
  actions: ReadonlySet<ProjectAction>;
}

/** Registry actions granted on one repository, and why the others were not (the token policy's Grant). */
export interface RepositoryGrant {
  actions: string[];
  reason?: string;
}

const NONE: ReadonlySet<ProjectAction> = new Set();
const ALL: ReadonlySet<ProjectAction> = new Set(PROJECT_ACTIONS);

const VERBS: Readonly<Record<ProjectAction, string>> = {
  pull: 'pull',
  push: 'push',
  delete: 'delete',
  'project.read': 'see the project',
  'project.update': 'change the project',
  'project.delete': 'delete the project',
  'members.read': 'see the members',
  'members.manage': 'manage members',
  'robots.read': 'see the robots',
  'robots.manage': 'manage robot accounts',
  'audit.read': 'see the audit log',
};

/** Answers authorization questions. */
export class Authorizer {
  constructor(
    private readonly stores: Stores,
    private readonly projects: ProjectService,
    private readonly opts: { autocreate: boolean },
  ) {}

  /** What `principal` (undefined: anonymous) may do on the project named `name`. */
  async rights(principal: Principal | undefined, name: string): Promise<ProjectRights> {
    if (principal?.kind === 'user') {
      const found = await this.stores.projects.roleIn(name, principal.id);
      const project = found.project;
      if (!project) return { member: false, actions: NONE };
      const role = found.role !== undefined && isRole(found.role) ? found.role : undefined;
      const own = role ? ROLE_ACTIONS[role] : NONE;
      return {
        project,
        role,
        member: role !== undefined,
        actions: principal.admin ? ALL : union(own, project.public ? PUBLIC_ACTIONS : NONE),
      };
    }
    const project = await this.stores.projects.byName(name);
    if (!project) return { member: false, actions: NONE };
    const open = project.public ? PUBLIC_ACTIONS : NONE;
    const granted = (principal?.permissions ?? []).filter((p) => p.namespace === name || p.namespace === '*').flatMap((p) => p.actions);
    if (granted.length === 0) return { project, member: false, actions: open };
    return { project, member: true, actions: union(new Set([...granted, 'project.read'] as ProjectAction[]), open) };
  }

  /** May `principal` do `action` on project `project`? */
  async can(principal: Principal | undefined, action: ProjectAction, project: string): Promise<Decision> {
    const r = await this.rights(principal, project);
    if (r.actions.has(action)) return { allowed: true };
    return { allowed: false, reason: this.explain(principal, project, r, action), notFound: !r.actions.has('project.read') };
  }

  /** May `principal` do `action` on the registry as a whole? */
  canSystem(principal: Principal | undefined, action: SystemAction): Decision {
    if (principal?.kind === 'user' && (principal.admin || USER_SYSTEM_ACTIONS.has(action))) return { allowed: true };
    const who = describe(principal);
    const reason = principal?.kind === 'user' ? `${who} is not an administrator` : `${who} may not ${action.replace('.', ' ')}`;
    return { allowed: false, reason, notFound: false };
  }

  /**
   * The registry actions (pull, push, delete; `*` for all allowed) granted on `repository`.
   * With projects.autocreate, a user's push into a missing project creates it first, with the
   * user as its Project Admin.
   */
  async repositoryAccess(principal: Principal | undefined, repository: string, requested: readonly string[]): Promise<RepositoryGrant> {
    const name = projectOf(repository);
    let r = await this.rights(principal, name);
    if (!r.project && this.opts.autocreate && principal?.kind === 'user' && requested.some((a) => a === 'push' || a === '*')) {
      try {
        await this.projects.create(name, { owner: principal.id });
      } catch (err) {
        // Another request created it at the same moment: its creator owns it.
        if (!(err instanceof AlreadyExistsError)) throw err;
      }
      r = await this.rights(principal, name);
    }
    const wanted = requested.includes('*') ? [...REPOSITORY_ACTIONS] : requested;
    const actions = wanted.filter((a) => r.actions.has(a as ProjectAction));
    // Explain the weightiest action withheld: for pull,push asked by someone who may do neither, push.
    const missing = requested.includes('*') ? undefined : [...requested].reverse().find((a) => !r.actions.has(a as ProjectAction));
    if (missing === undefined) return { actions };
    return { actions, reason: this.explain(principal, name, r, missing as ProjectAction) };
  }

  /**
   * A test of the repositories `principal` may pull (for listings: the catalog, search).
   * Undefined means every repository (administrators, system robots on `*`).
   */
  async pullable(principal: Principal | undefined): Promise<((repository: string) => boolean) | undefined> {
    if (principal?.kind === 'user' && principal.admin) return undefined;
    const names = new Set(await this.stores.projects.publicNames());
    if (principal?.kind === 'user') {
      for (const m of await this.stores.projects.membershipsOf(principal.id))
        if (isRole(m.role) && ROLE_ACTIONS[m.role].has('pull')) names.add(m.project.name);
    } else if (principal) {
      for (const p of principal.permissions) {
        if (!p.actions.includes('pull')) continue;
        if (p.namespace === '*') return undefined;
        names.add(p.namespace);
      }
    }
    return (repository) => names.has(projectOf(repository));
  }

  /** Why `principal` may not do `action` on project `name`, in words a client can show. */
  private explain(principal: Principal | undefined, name: string, r: ProjectRights, action: ProjectAction): string {
    const verb = VERBS[action];
    // Anonymous callers learn nothing about which projects exist.
    if (!principal) return `authentication required to ${verb} in project ${name}`;
    if (!r.project) {
      const hint =
        action === 'push' && principal.kind === 'user' ? ': create it first (berth project add, or turn on projects.autocreate)' : '';
      return `project ${name} does not exist${hint}`;
    }
    const who = describe(principal);
    const open = r.project.public ? ' (a public project: pull only)' : '';
    if (principal.kind === 'robot')
      return r.member ? `${who} may not ${verb} in project ${name}` : `${who} has no permission on project ${name}${open}`;
    if (!r.role) return `${who} is not a member of project ${name}${open}`;
    return `${who} is ${ROLE_TITLES[r.role]} in project ${name}: a ${ROLE_TITLES[r.role]} may not ${verb}`;
  }
}

function union<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): ReadonlySet<T> {
  if (b.size === 0) return a;
  return new Set([...a, ...b]);
}
