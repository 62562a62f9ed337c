/** Migration 0001: users, projects and members, robot accounts and their permissions, settings. */
import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DialectName } from '../database.js';

/**
 * An auto-numbered integer primary key: the one column type the two dialects spell apart
 * (SQLite's INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL's SERIAL). Everything else is shared.
 */
export function withId<T extends string>(dialect: DialectName, table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'serial', (c: ColumnDefinitionBuilder) => c.primaryKey())
    : table.addColumn('id', 'integer', (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement());
}

/** The migration for `dialect`. */
export function accounts(dialect: DialectName): Migration {
  return {
    // Migrations take the database before its tables exist, so the builder is untyped here.
    async up(db: Kysely<any>) {
      await withId(dialect, db.schema.createTable('users'))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await withId(dialect, db.schema.createTable('projects'))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('members')
        .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('members_pk', ['project_id', 'user_id'])
        .execute();
      await db.schema.createIndex('members_user').on('members').column('user_id').execute();

      await withId(dialect, db.schema.createTable('robots'))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('cascade'))
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expires_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('robots_project').on('robots').column('project_id').execute();

      await db.schema
        .createTable('robot_permissions')
        .addColumn('robot_id', 'integer', (c) => c.notNull().references('robots.id').onDelete('cascade'))
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('actions', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('robot_permissions_pk', ['robot_id', 'namespace'])
        .execute();
      await db.schema.createIndex('robot_permissions_namespace').on('robot_permissions').column('namespace').execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['settings', 'robot_permissions', 'robots', 'members', 'projects', 'users']) await db.schema.dropTable(t).execute();
    },
  };
}
