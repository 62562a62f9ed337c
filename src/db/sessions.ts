/** The sessions store: the management API's sign-in sessions, keyed by a hash of the cookie's secret. */
import type { Selectable } from 'kysely';
import type { Db, SessionsTable } from './tables.js';

/** A sign-in session. */
export interface Session {
  idHash: string;
  userId: number;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Sessions by the hash of their secret. */
export interface SessionStore {
  create(session: Session): Promise<void>;
  byHash(idHash: string): Promise<Session | undefined>;
  /** Remove one session (sign out); false when there was none. */
  remove(idHash: string): Promise<boolean>;
  /** Remove every session of a user but `except` (password change, disable); resolves with how many. */
  removeForUser(userId: number, except?: string): Promise<number>;
  /** Remove sessions that expired before `now`; resolves with how many. */
  removeExpired(now: Date): Promise<number>;
}

const toSession = (r: Selectable<SessionsTable>): Session => ({
  idHash: r.id_hash,
  userId: r.user_id,
  csrfToken: r.csrf_token,
  createdAt: new Date(Number(r.created_at)),
  expiresAt: new Date(Number(r.expires_at)),
});

/** The sessions store over `db`. */
export function sessionStore(db: Db): SessionStore {
  const deleted = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
  return {
    async create(s) {
      await db
        .insertInto('sessions')
        .values({
          id_hash: s.idHash,
          user_id: s.userId,
          csrf_token: s.csrfToken,
          created_at: s.createdAt.getTime(),
          expires_at: s.expiresAt.getTime(),
        })
        .execute();
    },
    async byHash(idHash) {
      const row = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      return row ? toSession(row) : undefined;
    },
    async remove(idHash) {
      return deleted(await db.deleteFrom('sessions').where('id_hash', '=', idHash).executeTakeFirst()) > 0;
    },
    async removeForUser(userId, except) {
      let q = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (except !== undefined) q = q.where('id_hash', '<>', except);
      return deleted(await q.executeTakeFirst());
    },
    async removeExpired(now) {
      return deleted(await db.deleteFrom('sessions').where('expires_at', '<', now.getTime()).executeTakeFirst());
    },
  };
}
