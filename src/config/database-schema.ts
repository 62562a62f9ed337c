/**
 * The `database` and `projects` sections. The metadata database holds accounts, projects,
 * robots and settings (and later the artifact index and the audit log): embedded SQLite by
 * default, PostgreSQL when `database.postgres` is set (several replicas share it).
 */
import { z } from 'zod';

/** `database`: where the metadata database lives. */
export const databaseSchema = z
  .object({
    sqlite: z
      .object({
        /**
         * The SQLite file. Default: berth.db in the data folder (storage.filesystem.rootdirectory,
         * beside Distribution's docker/ tree), ./data/berth.db on S3, memory with inmemory storage.
         */
        path: z.string().min(1).optional(),
        /** Milliseconds a writer waits for another process's lock on the file before failing. */
        busytimeout: z.number().int().min(0).max(600_000).default(5000),
      })
      .strict()
      .default({}),
    postgres: z
      .object({
        /** postgres://user:password@host:5432/database (libpq URL; ?sslmode=require etc. allowed). */
        url: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL'),
        /** Connections kept per process. */
        poolsize: z.number().int().positive().max(1000).default(10),
      })
      .strict()
      .optional(),
  })
  .strict()
  .default({});

/** `projects`: how repositories map onto projects. */
export const projectsSchema = z
  .object({
    /** Create a missing project when a user first pushes into it (the pusher becomes its Project Admin). */
    autocreate: z.boolean().default(false),
  })
  .strict()
  .default({});

/** The validated `database` section. */
export type DatabaseConfig = z.output<typeof databaseSchema>;
/** The validated `projects` section. */
export type ProjectsConfig = z.output<typeof projectsSchema>;
