/** The `api` section: the /api/v1 management API's sign-in sessions (the web UI's cookie). */
import { z } from 'zod';

/** The `api` configuration section. */
export const apiSchema = z
  .object({
    session: z
      .object({
        /** Seconds a sign-in session lives from sign-in (absolute, not sliding); then 401 SESSION_EXPIRED. */
        expiration: z
          .number()
          .int()
          .min(60)
          .max(30 * 24 * 3600)
          .default(8 * 3600),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({});

/** The validated `api` section. */
export type ApiConfig = z.output<typeof apiSchema>;
