/** Referrers route: GET /v2/<name>/referrers/<digest>[?artifactType=]. */
import { OCI_INDEX } from '../registry/media-types.js';
import { parseDigest } from '../registry/reference.js';
import type { Handler } from './context.js';
import { json, query } from './respond.js';

/** An OCI index of the manifests whose subject is the digest (empty when none). */
export const list: Handler = async ({ req, res, params, deps }) => {
  const subject = parseDigest(params.ref);
  const artifactType = query(req, 'artifactType');
  const manifests = await deps.registry.referrers.list(params.name, subject, artifactType);
  if (artifactType !== undefined) res.set('OCI-Filters-Applied', 'artifactType');
  json(res, 200, { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, OCI_INDEX);
};
