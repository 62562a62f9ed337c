/**
 * Projects and their members. A project is the first path component of repository names;
 * its creator (or the owner given) becomes its Project Admin.
 */
import type { Member, Project, ProjectListOptions } from '../db/projects.js';
import type { Stores } from '../db/stores.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import { checkProjectName } from './names.js';
import type { Principal } from './principal.js';
import { parseRole, type Role } from './roles.js';

/** Manages projects and memberships. */
export class ProjectService {
  constructor(private readonly stores: Stores) {}

  /** Create a project (private unless `public`), with `owner` (a user id) as its Project Admin. */
  async create(name: string, opts: { public?: boolean; owner?: number } = {}): Promise<Project> {
    checkProjectName(name);
    return this.stores.transaction(async (tx) => {
      const project = await tx.projects.create({ name, public: opts.public });
      if (opts.owner !== undefined) await tx.projects.setMember(project.id, opts.owner, 'project-admin');
      return project;
    });
  }

  /** The project named `name`; throws NotFoundError. */
  async get(name: string): Promise<Project> {
    const project = await this.stores.projects.byName(name);
    if (!project) throw new NotFoundError(`no project named ${name}`);
    return project;
  }

  /**
   * A page of the projects `viewer` may see (administrators and system robots with `*`: all;
   * others: public ones and their own), and how many there are in all.
   */
  async list(viewer: Principal | undefined, opts: ProjectListOptions = {}): Promise<{ projects: Project[]; total: number }> {
    const scope = await this.scopeFor(viewer);
    if (scope === 'all') {
      const [projects, total] = await Promise.all([this.stores.projects.list(opts), this.stores.projects.count(opts)]);
      return { projects, total };
    }
    if (scope.userId !== undefined) {
      const o = { ...opts, visibleTo: scope.userId };
      const [projects, total] = await Promise.all([this.stores.projects.list(o), this.stores.projects.count(o)]);
      return { projects, total };
    }
    // Robots and anonymous: public projects plus the robot's own, filtered here (few rows).
    const all = await this.stores.projects.list({ query: opts.query, public: opts.public });
    const visible = all.filter((p) => p.public || scope.names.has(p.name));
    const from = opts.offset ?? 0;
    return { projects: visible.slice(from, opts.limit === undefined ? undefined : from + opts.limit), total: visible.length };
  }

  /** Make a project public (anonymous pull) or private. */
  async setPublic(name: string, value: boolean): Promise<Project> {
    const project = await this.get(name);
    return (await this.stores.projects.setPublic(project.id, value))!;
  }

  /** Remove a project with its members and robots (what storage holds is not touched here). */
  async remove(name: string): Promise<void> {
    const project = await this.get(name);
    await this.stores.projects.remove(project.id);
  }

  /** Give user `userName` a role (`developer`, `Project Admin` ...) in the project. */
  async setMember(projectName: string, userName: string, role: Role | string): Promise<Member> {
    const r = parseRole(role);
    const project = await this.get(projectName);
    const user = await this.stores.users.byName(userName);
    if (!user) throw new NotFoundError(`no user named ${userName}`);
    await this.stores.projects.setMember(project.id, user.id, r);
    return (await this.stores.projects.members(project.id)).find((m) => m.userId === user.id)!;
  }

  /** Take a user out of a project. */
  async removeMember(projectName: string, userName: string): Promise<void> {
    const project = await this.get(projectName);
    const user = await this.stores.users.byName(userName);
    if (!user || !(await this.stores.projects.removeMember(project.id, user.id))) {
      throw new NotFoundError(`${userName} is not a member of project ${projectName}`);
    }
  }

  /** The members of a project. */
  async members(projectName: string): Promise<Member[]> {
    return this.stores.projects.members((await this.get(projectName)).id);
  }

  /**
   * Create each project of `names` that does not exist (private, with `owner` as Project Admin);
   * names that are not valid project names are skipped. Resolves with the projects created.
   * Used on first start over a registry that already holds repositories.
   */
  async ensureProjects(names: Iterable<string>, owner: number | undefined): Promise<string[]> {
    const valid = [...new Set(names)].filter((n) => {
      try {
        checkProjectName(n);
        return true;
      } catch (err) {
        if (err instanceof InvalidInputError) return false;
        throw err;
      }
    });
    return this.stores.transaction(async (tx) => {
      const created = await tx.projects.createMissing(valid);
      if (owner !== undefined) {
        for (const name of created) await tx.projects.setMember((await tx.projects.byName(name))!.id, owner, 'project-admin');
      }
      return created;
    });
  }

  /** Which projects `viewer` sees beyond the public ones. */
  private async scopeFor(viewer: Principal | undefined): Promise<'all' | { userId?: number; names: ReadonlySet<string> }> {
    if (!viewer) return { names: new Set() };
    if (viewer.kind === 'user') return viewer.admin ? 'all' : { userId: viewer.id, names: new Set() };
    if (viewer.permissions.some((p) => p.namespace === '*')) return 'all';
    return { names: new Set(viewer.permissions.map((p) => p.namespace)) };
  }
}
