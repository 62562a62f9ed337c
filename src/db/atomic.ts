/** Running several statements as one: in the caller's transaction, or in a new one. */
import type { Db, Tables } from './tables.js';
import type { Transaction } from 'kysely';

/** Run `fn` inside a transaction: `db` itself when it is one already (no nesting), else a new one. */
export function atomically<T>(db: Db, fn: (tx: Transaction<Tables>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Tables>);
  return db.transaction().execute(fn);
}
