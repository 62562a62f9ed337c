/**
 * `validation.manifests.indexes` (Distribution's key): which children of a pushed image index
 * must already be in the repository. `all` (the default) checks every child; `none` accepts
 * sparse indexes (children pushed later, or never: a mirror of a few platforms); `list` checks
 * only children whose platform is in `platformlist` (an empty list checks all, as Distribution).
 */
import { z } from 'zod';

const platform = z.object({ os: z.string().min(1), architecture: z.string().min(1) }).strict();

/**
 * platformlist from the environment: "linux/amd64,linux/arm64" (an override names a leaf, so
 * a YAML list cannot be given there).
 */
function platformsFromText(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const [os, architecture, ...rest] = p.split('/');
      return rest.length === 0 && os && architecture ? { os, architecture } : p;
    });
}

/** The `validation.manifests.indexes` section. */
export const indexesSchema = z
  .object({
    /** Case does not matter (Distribution's example config says `List`). */
    platforms: z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(['all', 'none', 'list'])).default('all'),
    platformlist: z.preprocess(platformsFromText, z.array(platform)).default([]),
  })
  .strict()
  .default({});
