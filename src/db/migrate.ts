/**
 * Bringing the schema up to date, at start and with `berth db migrate`. Kysely's migrator
 * runs in one transaction under a lock (an advisory lock on PostgreSQL; on SQLite the
 * transaction itself, begun IMMEDIATE, see sqlite.ts), so processes starting together apply
 * each migration once.
 * A database migrated by a newer Berth is refused rather than used half-understood.
 */
import { Migrator } from 'kysely/migration';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';

/** A migration that failed, or a database newer than this Berth. */
export class MigrationError extends Error {}

/** Apply every pending migration; resolves with the names applied now. */
export async function migrate(db: Database): Promise<string[]> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => migrations(db.dialect) },
    migrationTableName: 'berth_migrations',
    migrationLockTableName: 'berth_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const what = failed ? `migration ${failed} failed` : 'migrations cannot run';
    throw new MigrationError(`database ${db.location}: ${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
