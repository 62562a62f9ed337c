/**
 * SQLite through better-sqlite3: one file that several Berth processes share. WAL lets readers
 * run beside one writer; the busy timeout makes a writer wait for another process's write
 * instead of failing; write transactions start with BEGIN IMMEDIATE, so a transaction that
 * reads and then writes takes the write lock first and never fails with SQLITE_BUSY when another
 * process committed in between (a deferred BEGIN cannot wait in that case).
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { chmod, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Dialect,
  type DialectAdapter,
  type Driver,
} from 'kysely';

/** The SQLite side of a Database: its Kysely dialect and its online backup. */
export interface SqliteHandle {
  dialect: Dialect;
  backup(file: string): Promise<void>;
}

/** The path that means "no file": a private in-memory database. */
export const MEMORY = ':memory:';

/** Open (creating when missing) the SQLite file at `path`. */
export function openSqlite(path: string, busyTimeoutMs: number): SqliteHandle {
  if (path !== MEMORY) {
    mkdirSync(dirname(path), { recursive: true });
    // The file holds password hashes and the token signing key: readable by its owner only.
    // (An empty file is an empty database; SQLite gives its -wal and -shm files the same mode.)
    closeSync(openSync(path, 'a', 0o600));
  }
  const sqlite = new BetterSqlite3(path, { timeout: busyTimeoutMs });
  if (path !== MEMORY) sqlite.pragma('journal_mode = WAL');
  // FULL: a committed transaction survives a power cut (NORMAL may lose the last ones in WAL).
  // Writes here are account changes, not the hot path, so the extra fsync costs nothing visible.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  return {
    dialect: new ImmediateSqliteDialect(sqlite),
    async backup(file) {
      // The online backup API copies a consistent snapshot while other connections write.
      const partial = `${file}.partial`;
      await rm(partial, { force: true });
      await sqlite.backup(partial);
      await chmod(partial, 0o600);
      await rename(partial, file);
    },
  };
}

/** Kysely's SQLite dialect with BEGIN IMMEDIATE transactions, which also serialise migrations. */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly sqlite: BetterSqlite3.Database) {
    super({ database: sqlite });
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.sqlite });
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlAdapter();
  }
}

/**
 * SQLite runs DDL inside transactions, but Kysely's adapter says it does not, so its migrator
 * would run without a transaction and without a lock: two processes starting on a new file
 * would both apply migration 0001. Saying so makes the migrator read the applied migrations and
 * apply the rest in one transaction, and BEGIN IMMEDIATE makes that transaction the lock.
 */
class TransactionalDdlAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
