/**
 * A child process for sqlite-processes.test.ts: opens (and migrates) the SQLite file given as
 * argv[2] and writes argv[3] users, each in a transaction that reads and then writes, the
 * pattern that fails with SQLITE_BUSY under deferred transactions when processes interleave.
 */
import { parseConfig } from '../../src/config/load.js';
import { openDatabase } from '../../src/db/database.js';
import { createStores } from '../../src/db/stores.js';

const [path, count, tag] = process.argv.slice(2) as [string, string, string];
const db = await openDatabase(parseConfig({ storage: { inmemory: {} }, database: { sqlite: { path, busytimeout: 20_000 } } }));
const stores = createStores(db);
const key = await stores.settings.setIfAbsent('shared', tag);
for (let i = 0; i < Number(count); i++) {
  await stores.transaction(async (tx) => {
    const n = await tx.users.count();
    await tx.users.create({ name: `${tag}-${i}`, passwordHash: String(n) });
  });
}
await db.close();
process.stdout.write(`${key}\n`);
