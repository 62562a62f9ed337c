/**
 * Several processes on one SQLite file (several workers on one port): started together they
 * migrate once, agree on generated settings, and interleave read-then-write transactions
 * without a busy error (WAL, busy timeout, BEGIN IMMEDIATE).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { parseConfig } from '../../src/config/load.js';
import { openDatabase } from '../../src/db/database.js';
import { migrations } from '../../src/db/migrations/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));

describe('SQLite shared by several processes', () => {
  let dir = '';
  after(() => rm(dir, { recursive: true, force: true }));

  it('migrations read what is applied and apply the rest inside one BEGIN IMMEDIATE transaction (the lock)', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'berth-sqlite-'));
    try {
      const queries: string[] = [];
      const config = parseConfig({ storage: { inmemory: {} }, database: { sqlite: { path: join(scratch, 'berth.db') } } });
      const db = await openDatabase(config, { onQuery: (q) => queries.push(q.trim().toLowerCase()) });
      await db.close();
      const begin = queries.indexOf('begin immediate');
      const readApplied = queries.findIndex((q, i) => i > begin && q.includes('from "berth_migrations"'));
      const create = queries.findIndex((q) => q.startsWith('create table "users"'));
      const commit = queries.indexOf('commit');
      assert.ok(begin >= 0 && begin < readApplied && readApplied < create && create < commit, queries.join('\n'));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('three processes migrate a new file together and write 3 × 40 users without a busy error', { timeout: 180_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-sqlite-'));
    const path = join(dir, 'berth.db');
    const run = (tag: string) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', join(HERE, 'sqlite-writer.ts'), path, '40', tag], { timeout: 170_000 });
    const outs = await Promise.all(['a', 'b', 'c'].map(run));
    const keys = outs.map((o) => o.stdout.trim());
    assert.equal(new Set(keys).size, 1, `every process sees the same setting: ${keys.join(',')}`);
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      assert.equal((db.prepare('select count(*) as n from users').get() as { n: number }).n, 120);
      // Each migration applied once, whichever process got there first.
      const applied = (db.prepare('select count(*) as n from berth_migrations').get() as { n: number }).n;
      assert.equal(applied, Object.keys(migrations('sqlite')).length);
      assert.equal((db.pragma('journal_mode', { simple: true }) as string).toLowerCase(), 'wal');
    } finally {
      db.close();
    }
  });
});
