/**
 * An artifact's referrers (signatures, SBOMs, attestations: manifests whose `subject` is it),
 * read from the registry's referrers service, the same answer as `/v2/NAME/referrers/DIGEST`.
 */
import { z } from 'zod';
import { parseDigest } from '../../registry/reference.js';
import { artifactOf } from '../index-lookup.js';
import { artifactParams } from '../index-schemas.js';
import { route } from '../route.js';

/** One referrer of an artifact. */
export const referrerSchema = z.object({
  digest: z.string(),
  mediaType: z.string(),
  artifactType: z.string().nullable(),
  size: z.number().int().describe('The referrer manifest’s size in bytes'),
  annotations: z.record(z.string(), z.string()),
});

/** The referrers route. */
export const referrerRoutes = [
  route({
    method: 'get',
    path: '/projects/{project}/repositories/{repository}/artifacts/{reference}/referrers',
    tag: 'artifacts',
    summary: 'The artifacts that refer to this one (by digest or tag) through their subject, as the OCI referrers API lists them',
    permission: 'project:pull',
    params: artifactParams,
    query: z.object({ artifactType: z.string().min(1).optional() }),
    response: z.object({ items: z.array(referrerSchema), total: z.number().int() }),
    async handler({ params, query, deps }) {
      const a = await artifactOf(deps, params);
      const found = await deps.registry.referrers.list(params.repository, parseDigest(a.digest), query.artifactType);
      const items = found.map((r) => ({
        digest: r.digest,
        mediaType: r.mediaType,
        artifactType: r.artifactType ?? null,
        size: r.size,
        annotations: r.annotations ?? {},
      }));
      return { items, total: items.length };
    },
  }),
];
