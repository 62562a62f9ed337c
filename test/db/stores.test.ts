/** The store suite on SQLite (a file) and on a real PostgreSQL server (a database of its own). */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { parseConfig } from '../../src/config/load.js';
import { makePgDatabase } from '../helpers/postgres.js';
import { storeSuite } from './store-suite.js';

storeSuite('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-db-'));
  return {
    config: parseConfig({ storage: { inmemory: {} }, database: { sqlite: { path: join(dir, 'berth.db') } } }),
    async usersInBackup(file) {
      const copy = new BetterSqlite3(file, { readonly: true });
      try {
        return (copy.prepare('select count(*) as n from users').get() as { n: number }).n;
      } finally {
        copy.close();
      }
    },
    scratch: (name) => join(dir, name),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

storeSuite('PostgreSQL', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-pg-'));
  const database = await makePgDatabase();
  return {
    config: parseConfig({ storage: { inmemory: {} }, database: { postgres: { url: database.url, poolsize: 4 } } }),
    async usersInBackup(file) {
      // Restore the pg_dump archive into a database of its own and count there.
      const restored = await makePgDatabase();
      try {
        await promisify(execFile)('pg_restore', ['--no-owner', `--dbname=${restored.url}`, file]);
        const c = new pg.Client({ connectionString: restored.url });
        await c.connect();
        try {
          return Number((await c.query('select count(*) as n from users')).rows[0].n);
        } finally {
          await c.end();
        }
      } finally {
        await restored.drop();
      }
    },
    scratch: (name) => join(dir, name),
    async cleanup() {
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
