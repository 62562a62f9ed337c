/** The projects store: projects and their members (a user's role per project). */
import type { Selectable } from 'kysely';
import { atomically } from './atomic.js';
import { uniquely } from './errors.js';
import { nameContains, type ListOptions } from './paging.js';
import type { Db, ProjectsTable } from './tables.js';

/** A project: the first path component of repository names. */
export interface Project {
  id: number;
  name: string;
  public: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A user's membership of a project. */
export interface Member {
  projectId: number;
  userId: number;
  userName: string;
  role: string;
  createdAt: Date;
}

/** A project with the role a given user has in it. */
export interface Membership {
  project: Project;
  role: string;
}

/** Which projects a listing includes, beyond ListOptions. */
export interface ProjectListOptions extends ListOptions {
  /** Only projects that are public or have this user as a member (omit for all projects). */
  visibleTo?: number;
  /** Only public (true) or only private (false) projects. */
  public?: boolean;
}

/** Projects by id and name, and their members. */
export interface ProjectStore {
  /** Throws AlreadyExistsError when the name is taken. */
  create(p: { name: string; public?: boolean }): Promise<Project>;
  /** Create each project of `names` that does not exist yet; resolves with the names created. */
  createMissing(names: readonly string[], opts?: { public?: boolean }): Promise<string[]>;
  byId(id: number): Promise<Project | undefined>;
  byName(name: string): Promise<Project | undefined>;
  /** Projects in name order. */
  list(opts?: ProjectListOptions): Promise<Project[]>;
  count(opts?: Omit<ProjectListOptions, 'offset' | 'limit'>): Promise<number>;
  setPublic(id: number, value: boolean): Promise<Project | undefined>;
  /** Remove the project with its members, its robots and robot permissions on it. */
  remove(id: number): Promise<boolean>;

  /** Give `userId` `role` in the project (replacing a role it had). */
  setMember(projectId: number, userId: number, role: string): Promise<void>;
  /** False when the user was not a member. */
  removeMember(projectId: number, userId: number): Promise<boolean>;
  /** Members in user name order. */
  members(projectId: number): Promise<Member[]>;
  /** The role of `userId` in the project named `name`, with the project; undefined project when none. */
  roleIn(name: string, userId: number): Promise<{ project?: Project; role?: string }>;
  /** Every project `userId` is a member of, with the role. */
  membershipsOf(userId: number): Promise<Membership[]>;
  /** Names of the public projects. */
  publicNames(): Promise<string[]>;
}

const toProject = (r: Selectable<ProjectsTable>): Project => ({
  id: r.id,
  name: r.name,
  public: r.is_public === 1,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

/** The projects store over `db`. */
export function projectStore(db: Db): ProjectStore {
  const filtered = (opts: Omit<ProjectListOptions, 'offset' | 'limit'>) => {
    let q = db.selectFrom('projects');
    if (opts.query) q = q.where(nameContains('projects.name', opts.query));
    if (opts.public !== undefined) q = q.where('projects.is_public', '=', opts.public ? 1 : 0);
    const userId = opts.visibleTo;
    if (userId !== undefined) {
      q = q.where((eb) =>
        eb.or([
          eb('projects.is_public', '=', 1),
          eb.exists(
            eb
              .selectFrom('members')
              .select('members.user_id')
              .whereRef('members.project_id', '=', 'projects.id')
              .where('members.user_id', '=', userId),
          ),
        ]),
      );
    }
    return q;
  };
  return {
    async create(p) {
      const now = Date.now();
      const row = await uniquely(`project ${p.name} exists already`, () =>
        db
          .insertInto('projects')
          .values({ name: p.name, is_public: p.public ? 1 : 0, created_at: now, updated_at: now })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toProject(row);
    },
    async createMissing(names, opts = {}) {
      if (names.length === 0) return [];
      const now = Date.now();
      const rows = await db
        .insertInto('projects')
        .values(names.map((name) => ({ name, is_public: opts.public ? 1 : 0, created_at: now, updated_at: now })))
        .onConflict((oc) => oc.column('name').doNothing())
        .returning('name')
        .execute();
      return rows.map((r) => r.name);
    },
    async byId(id) {
      const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toProject(row) : undefined;
    },
    async byName(name) {
      const row = await db.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirst();
      return row ? toProject(row) : undefined;
    },
    async list(opts = {}) {
      let q = filtered(opts).selectAll('projects').orderBy('projects.name');
      if (opts.limit !== undefined) q = q.limit(opts.limit);
      if (opts.offset) q = q.offset(opts.offset);
      return (await q.execute()).map(toProject);
    },
    async count(opts = {}) {
      const r = await filtered(opts)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async setPublic(id, value) {
      const row = await db
        .updateTable('projects')
        .set({ is_public: value ? 1 : 0, updated_at: Date.now() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? toProject(row) : undefined;
    },
    remove(id) {
      return atomically(db, async (tx) => {
        const project = await tx.selectFrom('projects').select('name').where('id', '=', id).executeTakeFirst();
        if (!project) return false;
        // System robots name projects in their permissions (not by key): those rows go by name.
        await tx.deleteFrom('robot_permissions').where('namespace', '=', project.name).execute();
        const r = await tx.deleteFrom('projects').where('id', '=', id).executeTakeFirst();
        return Number(r.numDeletedRows) > 0;
      });
    },

    async setMember(projectId, userId, role) {
      await db
        .insertInto('members')
        .values({ project_id: projectId, user_id: userId, role, created_at: Date.now() })
        .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role }))
        .execute();
    },
    async removeMember(projectId, userId) {
      const r = await db.deleteFrom('members').where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async members(projectId) {
      const rows = await db
        .selectFrom('members')
        .innerJoin('users', 'users.id', 'members.user_id')
        .select(['members.project_id', 'members.user_id', 'users.name', 'members.role', 'members.created_at'])
        .where('members.project_id', '=', projectId)
        .orderBy('users.name')
        .execute();
      return rows.map((r) => ({
        projectId: r.project_id,
        userId: r.user_id,
        userName: r.name,
        role: r.role,
        createdAt: new Date(r.created_at),
      }));
    },
    async roleIn(name, userId) {
      const row = await db
        .selectFrom('projects')
        .leftJoin('members', (j) => j.onRef('members.project_id', '=', 'projects.id').on('members.user_id', '=', userId))
        .selectAll('projects')
        .select('members.role')
        .where('projects.name', '=', name)
        .executeTakeFirst();
      if (!row) return {};
      return { project: toProject(row), role: row.role ?? undefined };
    },
    async membershipsOf(userId) {
      const rows = await db
        .selectFrom('members')
        .innerJoin('projects', 'projects.id', 'members.project_id')
        .selectAll('projects')
        .select('members.role')
        .where('members.user_id', '=', userId)
        .orderBy('projects.name')
        .execute();
      return rows.map((r) => ({ project: toProject(r), role: r.role }));
    },
    async publicNames() {
      const rows = await db.selectFrom('projects').select('name').where('is_public', '=', 1).orderBy('name').execute();
      return rows.map((r) => r.name);
    },
  };
}
