/**
 * Changing artifacts through the API: delete one, add a tag, remove a tag. Each goes through
 * the registry services (guards may refuse; events announce the change to the index and the
 * audit log, with the API caller as origin), then waits for the index to have it, so the
 * caller's next listing shows the change.
 */
import { z } from 'zod';
import { parseDigest, parseTag } from '../../registry/reference.js';
import { ApiError } from '../errors.js';
import { artifactParams, artifactSchema, showArtifact } from '../index-schemas.js';
import { route } from '../route.js';
import { artifactOf, originOf } from '../index-lookup.js';

const tagParams = artifactParams.extend({ tag: z.string().min(1) });

function checkTag(tag: string): string {
  try {
    return parseTag(tag);
  } catch {
    throw new ApiError(400, 'INVALID_INPUT', `invalid tag ${JSON.stringify(tag)}: up to 128 of [A-Za-z0-9_.-], not starting with . or -`);
  }
}

/** The artifact write routes. */
export const artifactWriteRoutes = [
  route({
    method: 'delete',
    path: '/projects/{project}/repositories/{repository}/artifacts/{reference}',
    tag: 'artifacts',
    summary: 'Delete an artifact (by digest or tag) and every tag pointing at it',
    permission: 'project:delete',
    params: artifactParams,
    async handler({ params, deps, caller, req }) {
      const a = await artifactOf(deps, params);
      await deps.registry.manifests.delete(params.repository, { kind: 'digest', digest: parseDigest(a.digest) }, originOf(caller, req));
      await deps.indexer?.idle();
    },
  }),
  route({
    method: 'put',
    path: '/projects/{project}/repositories/{repository}/artifacts/{reference}/tags/{tag}',
    tag: 'artifacts',
    summary: 'Point a tag at an artifact (moving it if it pointed elsewhere)',
    permission: 'project:push',
    params: tagParams,
    response: artifactSchema,
    async handler({ params, deps, caller, req }) {
      const tag = checkTag(params.tag);
      const a = await artifactOf(deps, params);
      const stored = await deps.registry.manifests.load(parseDigest(a.digest));
      await deps.registry.manifests.put(params.repository, { kind: 'tag', tag }, stored.body, {
        contentType: stored.parsed.mediaType,
        origin: originOf(caller, req),
      });
      await deps.indexer?.idle();
      return showArtifact((await artifactOf(deps, { ...params, reference: a.digest })) ?? a);
    },
  }),
  route({
    method: 'delete',
    path: '/projects/{project}/repositories/{repository}/artifacts/{reference}/tags/{tag}',
    tag: 'artifacts',
    summary: 'Remove a tag from an artifact (the artifact stays)',
    permission: 'project:delete',
    params: tagParams,
    async handler({ params, deps, caller, req }) {
      const a = await artifactOf(deps, params);
      if (!a.tags.includes(params.tag)) throw new ApiError(404, 'NOT_FOUND', `${params.repository}@${a.digest} has no tag ${params.tag}`);
      await deps.registry.manifests.delete(params.repository, { kind: 'tag', tag: params.tag }, originOf(caller, req));
      await deps.indexer?.idle();
    },
  }),
];
