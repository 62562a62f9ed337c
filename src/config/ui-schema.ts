/** The `ui` section: the web UI Berth serves at `/` (built from web/ into dist/web). */
import { z } from 'zod';

/** The `ui` configuration section. */
export const uiSchema = z
  .object({
    /** Serve the web UI at `/` (the registry and API paths are unaffected either way). */
    enabled: z.boolean().default(true),
  })
  .strict()
  .default({});
