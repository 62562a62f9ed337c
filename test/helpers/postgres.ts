/**
 * A PostgreSQL database of the test's own: created with a random name on the server at
 * 127.0.0.1:5432 (TEST_POSTGRES_URL overrides; postgres-setup.sh installs and starts one
 * where none answers) and dropped after.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

/** The server the tests use (its admin database; trust auth on a test machine). */
export const POSTGRES_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let ready: Promise<void> | undefined;

/** Make sure the server answers (installing and starting it when needed). */
export function ensurePostgres(): Promise<void> {
  ready ??= (async () => {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'postgres-setup.sh');
    if (process.env['TEST_POSTGRES_URL'] === undefined) await promisify(execFile)('bash', [script], { timeout: 900_000 });
  })();
  return ready;
}

/** A fresh database and how to drop it. */
export interface TestPgDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Create a database named berth_test_<random> and return its URL. */
export async function makePgDatabase(): Promise<TestPgDatabase> {
  await ensurePostgres();
  const name = `berth_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
