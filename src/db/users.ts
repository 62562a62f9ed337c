/** The users store: local accounts with bcrypt password hashes, admin and disabled flags. */
import type { Db } from './tables.js';
import type { UsersTable } from './tables.js';
import { uniquely } from './errors.js';
import { nameContains, type ListOptions } from './paging.js';
import type { Selectable } from 'kysely';

/** A local account. */
export interface User {
  id: number;
  name: string;
  passwordHash: string;
  admin: boolean;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What may change on a user. */
export interface UserPatch {
  passwordHash?: string;
  admin?: boolean;
  disabled?: boolean;
}

/** Users by id and by name. */
export interface UserStore {
  /** Throws AlreadyExistsError when the name is taken. */
  create(user: { name: string; passwordHash: string; admin?: boolean }): Promise<User>;
  byId(id: number): Promise<User | undefined>;
  byName(name: string): Promise<User | undefined>;
  /** Users in name order. */
  list(opts?: ListOptions): Promise<User[]>;
  count(opts?: Pick<ListOptions, 'query'>): Promise<number>;
  /** Apply `patch`; undefined when there is no such user. */
  update(id: number, patch: UserPatch): Promise<User | undefined>;
  /** Remove the user (memberships go with it); false when there was none. */
  remove(id: number): Promise<boolean>;
  /** How many administrators are not disabled. */
  countActiveAdmins(): Promise<number>;
}

const toUser = (r: Selectable<UsersTable>): User => ({
  id: r.id,
  name: r.name,
  passwordHash: r.password_hash,
  admin: r.is_admin === 1,
  disabled: r.disabled === 1,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

/** The users store over `db`. */
export function userStore(db: Db): UserStore {
  const one = async (q: Promise<Selectable<UsersTable> | undefined>) => {
    const row = await q;
    return row ? toUser(row) : undefined;
  };
  return {
    async create(u) {
      const now = Date.now();
      const row = await uniquely(`user ${u.name} exists already`, () =>
        db
          .insertInto('users')
          .values({ name: u.name, password_hash: u.passwordHash, is_admin: u.admin ? 1 : 0, disabled: 0, created_at: now, updated_at: now })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toUser(row);
    },
    byId: (id) => one(db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()),
    byName: (name) => one(db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst()),
    async list(opts = {}) {
      let q = db.selectFrom('users').selectAll().orderBy('name');
      if (opts.query) q = q.where(nameContains('name', opts.query));
      if (opts.limit !== undefined) q = q.limit(opts.limit);
      if (opts.offset) q = q.offset(opts.offset);
      return (await q.execute()).map(toUser);
    },
    async count(opts = {}) {
      let q = db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'));
      if (opts.query) q = q.where(nameContains('name', opts.query));
      return Number((await q.executeTakeFirstOrThrow()).n);
    },
    async update(id, patch) {
      const values: Partial<Selectable<UsersTable>> = { updated_at: Date.now() };
      if (patch.passwordHash !== undefined) values.password_hash = patch.passwordHash;
      if (patch.admin !== undefined) values.is_admin = patch.admin ? 1 : 0;
      if (patch.disabled !== undefined) values.disabled = patch.disabled ? 1 : 0;
      return one(db.updateTable('users').set(values).where('id', '=', id).returningAll().executeTakeFirst());
    },
    async remove(id) {
      const r = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async countActiveAdmins() {
      const r = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('is_admin', '=', 1)
        .where('disabled', '=', 0)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
