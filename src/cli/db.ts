/** `berth db migrate` and `berth db backup FILE`. */
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import type { Command } from './command.js';
import { arg, commandConfig, parseCommand, verb, io } from './admin-context.js';

/** The `berth db` command group. */
export const dbCommand: Command = {
  name: 'db',
  usage: [
    'berth db migrate                                   apply pending schema migrations (each start does too)',
    'berth db backup FILE                               a consistent copy of the database, also while Berth runs',
  ],
  async run(args) {
    const { values, positionals } = parseCommand(args, {});
    const v = verb(positionals, ['migrate', 'backup'], 'db');
    const config = await commandConfig(values);
    const db = await openDatabase(config, { migrate: false });
    try {
      if (v === 'migrate') {
        const applied = await migrate(db);
        io.out(applied.length > 0 ? `${db.location}: applied ${applied.join(', ')}\n` : `${db.location}: up to date\n`);
      } else {
        const file = arg(positionals, 1, 'backup file');
        await migrate(db);
        await db.backup(file);
        io.out(
          `${db.location}: backed up to ${file}${db.dialect === 'postgres' ? ' (pg_dump custom format: restore with pg_restore)' : ''}\n`,
        );
      }
      return 0;
    } finally {
      await db.close();
    }
  },
};
