/**
 * Migration 0002: the index of what storage holds (repositories, artifacts, tags) and the
 * audit log. The index is rebuildable from storage (`berth index rebuild`); the audit log is not.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DialectName } from '../database.js';
import { withId } from './0001-accounts.js';

/** The migration for `dialect`. */
export function indexAudit(dialect: DialectName): Migration {
  return {
    // Migrations take the database before its tables exist, so the builder is untyped here.
    async up(db: Kysely<any>) {
      await withId(dialect, db.schema.createTable('repositories'))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('pushed_at', 'bigint')
        .addColumn('pulled_at', 'bigint')
        .execute();
      await db.schema.createIndex('repositories_project').on('repositories').columns(['project', 'name']).execute();

      await withId(dialect, db.schema.createTable('artifacts'))
        .addColumn('repository_id', 'integer', (c) => c.notNull().references('repositories.id').onDelete('cascade'))
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('artifact_type', 'text')
        .addColumn('manifest_size', 'bigint', (c) => c.notNull())
        // Config and layers (an index: its children's totals), without the manifest itself.
        .addColumn('size', 'bigint', (c) => c.notNull())
        // JSON array of "os/arch[/variant]" for an index's children; null for an image.
        .addColumn('platforms', 'text')
        .addColumn('subject', 'text')
        .addColumn('description', 'text')
        .addColumn('pushed_at', 'bigint', (c) => c.notNull())
        .addColumn('pushed_by', 'text')
        .addColumn('pulled_at', 'bigint')
        .addUniqueConstraint('artifacts_repository_digest', ['repository_id', 'digest'])
        .execute();
      await db.schema.createIndex('artifacts_pushed').on('artifacts').columns(['repository_id', 'pushed_at']).execute();

      await db.schema
        .createTable('tags')
        .addColumn('repository_id', 'integer', (c) => c.notNull().references('repositories.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('pushed_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('tags_pk', ['repository_id', 'name'])
        .execute();
      await db.schema.createIndex('tags_digest').on('tags').columns(['repository_id', 'digest']).execute();

      await withId(dialect, db.schema.createTable('audit'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text')
        // user, robot, system, or anonymous
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('address', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('project', 'text')
        .addColumn('resource', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('audit_at').on('audit').column('at').execute();
      await db.schema.createIndex('audit_project_at').on('audit').columns(['project', 'at']).execute();
      await db.schema.createIndex('audit_actor_at').on('audit').columns(['actor', 'at']).execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['audit', 'tags', 'artifacts', 'repositories']) await db.schema.dropTable(t).execute();
    },
  };
}
