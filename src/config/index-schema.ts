/** The `audit` and `import` sections (README: The audit log, Import a tarball). */
import { z } from 'zod';

/** `audit`: how long audit entries are kept. */
export const auditSchema = z
  .object({
    /** Days an entry is kept before the pruning job removes it; 0 keeps entries forever. */
    retentiondays: z.number().int().min(0).max(36_500).default(90),
    /** Seconds between two runs of the pruning job. */
    pruneinterval: z.number().int().positive().default(3600),
  })
  .strict()
  .default({});

/** `import`: tarball uploads to POST /api/v1/projects/{project}/import. */
export const importSchema = z
  .object({
    /** Largest tarball accepted, in bytes (a bigger upload is answered 413). */
    maxsize: z
      .number()
      .int()
      .positive()
      .default(8 * 1024 ** 3),
    /** Folder for the uploaded tarball while it is read (default: the system's temp folder). */
    tmpdir: z.string().min(1).optional(),
  })
  .strict()
  .default({});
