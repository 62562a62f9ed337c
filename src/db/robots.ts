/**
 * The robots store: robot accounts (per project or system-wide), their hashed secrets, expiry
 * and disabled flag, and what each may do per project.
 */
import type { Selectable } from 'kysely';
import { atomically } from './atomic.js';
import { uniquely } from './errors.js';
import type { Db, RobotPermissionsTable, RobotsTable } from './tables.js';

/** What a robot may do in one project (`*`: every project). */
export interface RobotPermission {
  namespace: string;
  actions: string[];
}

/** A robot account. */
export interface Robot {
  id: number;
  /** The full login name (see admin/names.ts). */
  name: string;
  /** The project a project robot belongs to; null for a system robot. */
  projectId: number | null;
  description: string;
  secretHash: string;
  disabled: boolean;
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  permissions: RobotPermission[];
}

/** A new robot. */
export interface NewRobot {
  name: string;
  projectId: number | null;
  description?: string;
  secretHash: string;
  expiresAt: Date | null;
  permissions: RobotPermission[];
}

/** What may change on a robot. */
export interface RobotPatch {
  secretHash?: string;
  disabled?: boolean;
  expiresAt?: Date | null;
  description?: string;
  permissions?: RobotPermission[];
}

/** Robots by id and name. */
export interface RobotStore {
  /** Throws AlreadyExistsError when the name is taken. */
  create(robot: NewRobot): Promise<Robot>;
  byId(id: number): Promise<Robot | undefined>;
  byName(name: string): Promise<Robot | undefined>;
  /** Robots in name order: of one project (a project id), system robots (null), or all (undefined). */
  list(projectId?: number | null): Promise<Robot[]>;
  update(id: number, patch: RobotPatch): Promise<Robot | undefined>;
  remove(id: number): Promise<boolean>;
}

type Row = Selectable<RobotsTable>;

/** Rows as robots, each with its rows of `perms`. */
function toRobots(rows: readonly Row[], perms: readonly Selectable<RobotPermissionsTable>[]): Robot[] {
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    projectId: r.project_id,
    description: r.description,
    secretHash: r.secret_hash,
    disabled: r.disabled === 1,
    expiresAt: r.expires_at === null ? null : new Date(r.expires_at),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    permissions: perms
      .filter((p) => p.robot_id === r.id)
      .map((p) => ({ namespace: p.namespace, actions: p.actions.split(',').filter(Boolean) })),
  }));
}

/** The robots store over `db`. */
export function robotStore(db: Db): RobotStore {
  const withPermissions = async (rows: Row[]): Promise<Robot[]> => {
    if (rows.length === 0) return [];
    const perms = await db
      .selectFrom('robot_permissions')
      .selectAll()
      .where(
        'robot_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('namespace')
      .execute();
    return toRobots(rows, perms);
  };
  /** One robot with its permissions in one query (a robot login runs this: one round trip, not two). */
  const one = async (where: { id: number } | { name: string }): Promise<Robot | undefined> => {
    let q = db
      .selectFrom('robots')
      .leftJoin('robot_permissions as p', 'p.robot_id', 'robots.id')
      .selectAll('robots')
      .select(['p.namespace', 'p.actions'])
      .orderBy('p.namespace');
    q = 'id' in where ? q.where('robots.id', '=', where.id) : q.where('robots.name', '=', where.name);
    const rows = await q.execute();
    if (rows.length === 0) return undefined;
    const perms = rows.filter((r) => r.namespace !== null).map((r) => ({ robot_id: r.id, namespace: r.namespace!, actions: r.actions! }));
    return toRobots([rows[0]!], perms)[0];
  };
  const writePermissions = async (tx: Db, robotId: number, permissions: readonly RobotPermission[]) => {
    await tx.deleteFrom('robot_permissions').where('robot_id', '=', robotId).execute();
    if (permissions.length === 0) return;
    await tx
      .insertInto('robot_permissions')
      .values(permissions.map((p) => ({ robot_id: robotId, namespace: p.namespace, actions: p.actions.join(',') })))
      .execute();
  };
  return {
    create(r) {
      return atomically(db, async (tx) => {
        const now = Date.now();
        const row = await uniquely(`robot ${r.name} exists already`, () =>
          tx
            .insertInto('robots')
            .values({
              name: r.name,
              project_id: r.projectId,
              description: r.description ?? '',
              secret_hash: r.secretHash,
              disabled: 0,
              expires_at: r.expiresAt?.getTime() ?? null,
              created_at: now,
              updated_at: now,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        );
        await writePermissions(tx, row.id, r.permissions);
        return { ...(await robotStore(tx).byId(row.id))! };
      });
    },
    byId: (id) => one({ id }),
    byName: (name) => one({ name }),
    async list(projectId) {
      let q = db.selectFrom('robots').selectAll().orderBy('name');
      if (projectId === null) q = q.where('project_id', 'is', null);
      else if (projectId !== undefined) q = q.where('project_id', '=', projectId);
      return withPermissions(await q.execute());
    },
    update(id, patch) {
      return atomically(db, async (tx) => {
        const values: Partial<Row> = { updated_at: Date.now() };
        if (patch.secretHash !== undefined) values.secret_hash = patch.secretHash;
        if (patch.disabled !== undefined) values.disabled = patch.disabled ? 1 : 0;
        if (patch.expiresAt !== undefined) values.expires_at = patch.expiresAt?.getTime() ?? null;
        if (patch.description !== undefined) values.description = patch.description;
        const row = await tx.updateTable('robots').set(values).where('id', '=', id).returning('id').executeTakeFirst();
        if (!row) return undefined;
        if (patch.permissions) await writePermissions(tx, id, patch.permissions);
        return robotStore(tx).byId(id);
      });
    },
    async remove(id) {
      const r = await db.deleteFrom('robots').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
