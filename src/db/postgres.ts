/**
 * PostgreSQL through pg: a pool per process, int8 read as a number (times are milliseconds,
 * far below 2^53), and backups by pg_dump, which reads the whole database in one snapshot.
 */
import { spawn } from 'node:child_process';
import { chmod, rename, rm } from 'node:fs/promises';
import { PostgresDialect, type Dialect } from 'kysely';
import pg from 'pg';

/** The PostgreSQL side of a Database. */
export interface PostgresHandle {
  dialect: Dialect;
  /** The URL without its password, for logs. */
  location: string;
  backup(file: string): Promise<void>;
}

const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Split a postgres:// URL into the URL without password and the password. */
export function withoutPassword(url: string): { url: string; password: string | undefined } {
  const u = new URL(url);
  const password = u.password === '' ? undefined : decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), password };
}

/** A pool on `url` with at most `size` connections. */
export function openPostgres(url: string, size: number): PostgresHandle {
  const pool = new pg.Pool({ connectionString: url, max: size, types });
  const shown = withoutPassword(url);
  return {
    dialect: new PostgresDialect({ pool }),
    location: shown.url,
    backup: (file) => pgDump(url, file),
  };
}

/**
 * pg_dump in its custom format (restore with pg_restore). pg_dump runs in one repeatable-read
 * transaction, so the copy is consistent while Berth writes. The password goes through the
 * environment, not the command line, where `ps` would show it.
 */
async function pgDump(url: string, file: string): Promise<void> {
  const { url: bare, password } = withoutPassword(url);
  const partial = `${file}.partial`;
  await rm(partial, { force: true });
  const env = { ...process.env, ...(password !== undefined ? { PGPASSWORD: password } : {}) };
  await new Promise<void>((resolve, reject) => {
    const child = spawn('pg_dump', ['--format=custom', '--no-owner', `--file=${partial}`, `--dbname=${bare}`], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', (e) => reject(new Error(`cannot run pg_dump (install postgresql-client): ${e.message}`)));
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`pg_dump failed (exit ${code}): ${err.trim()}`))));
  });
  // Password hashes and the signing key are in it: readable by its owner only.
  await chmod(partial, 0o600);
  await rename(partial, file);
}
