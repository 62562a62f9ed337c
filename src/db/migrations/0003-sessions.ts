/** Migration 0003: the management API's sign-in sessions (the UI's cookie), one row each. */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** The migration (the same for both dialects: no generated key). */
export function sessions(): Migration {
  return {
    // Migrations take the database before its tables exist, so the builder is untyped here.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('sessions')
        // The SHA-256 of the cookie's secret: a copy of the table signs nobody in.
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('sessions').execute();
    },
  };
}
