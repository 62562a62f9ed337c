/**
 * Opening the metadata database: SQLite (the embedded default) or PostgreSQL, behind one
 * Kysely instance, so every query is written once for both (see README: The database).
 */
import { join } from 'node:path';
import { Kysely, type LogEvent } from 'kysely';
import type { Config } from '../config/schema.js';
import { migrate } from './migrate.js';
import { openPostgres } from './postgres.js';
import { MEMORY, openSqlite } from './sqlite.js';
import type { Tables } from './tables.js';

/** Which engine a Database runs on. */
export type DialectName = 'sqlite' | 'postgres';

/** An open metadata database. */
export interface Database {
  readonly kysely: Kysely<Tables>;
  readonly dialect: DialectName;
  /** The SQLite file or the PostgreSQL URL without its password. */
  readonly location: string;
  /** Write a consistent copy to `file` while the database is in use. */
  backup(file: string): Promise<void>;
  close(): Promise<void>;
}

/** Options of openDatabase. */
export interface OpenOptions {
  /** Run the migrations after opening (default true). */
  migrate?: boolean;
  /** Called for every query executed (tests count queries on the registry's hot path). */
  onQuery?: (sql: string) => void;
}

/** The SQLite file `config` names: configured, else in the data folder, else in memory for inmemory storage. */
export function sqlitePath(config: Pick<Config, 'database' | 'storage'>): string {
  const configured = config.database.sqlite.path;
  if (configured !== undefined) return configured;
  if (config.storage.filesystem) return join(config.storage.filesystem.rootdirectory, 'berth.db');
  if (config.storage.inmemory !== undefined) return MEMORY;
  return join('data', 'berth.db');
}

/** Open the database `config` describes and bring its schema up to date. */
export async function openDatabase(config: Pick<Config, 'database' | 'storage'>, opts: OpenOptions = {}): Promise<Database> {
  const pgConfig = config.database.postgres;
  const onQuery = opts.onQuery;
  const log = onQuery
    ? (e: LogEvent) => {
        if (e.level === 'query') onQuery(e.query.sql);
      }
    : undefined;
  let db: Database;
  if (pgConfig) {
    const handle = openPostgres(pgConfig.url, pgConfig.poolsize);
    const kysely = new Kysely<Tables>({ dialect: handle.dialect, log });
    db = { kysely, dialect: 'postgres', location: handle.location, backup: handle.backup, close: () => kysely.destroy() };
  } else {
    const path = sqlitePath(config);
    const handle = openSqlite(path, config.database.sqlite.busytimeout);
    const kysely = new Kysely<Tables>({ dialect: handle.dialect, log });
    db = { kysely, dialect: 'sqlite', location: path, backup: handle.backup, close: () => kysely.destroy() };
  }
  if (opts.migrate !== false) {
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
  }
  return db;
}
