/**
 * Repositories and their artifacts, read from the artifact index: list a project's
 * repositories (artifact count, size, last push), a repository's artifacts with their tags,
 * one artifact with its manifest and config. Writes (delete an artifact, add or remove a tag)
 * go through the registry services, so guards apply and events announce them.
 */
import { parseDigest } from '../../registry/reference.js';
import { ApiError } from '../errors.js';
import {
  artifactDetailSchema,
  artifactParams,
  artifactSchema,
  repositoryParams,
  repositorySchema,
  showArtifact,
  showRepository,
} from '../index-schemas.js';
import { pageOf, pageQuery, window } from '../paging.js';
import { route, type ApiDeps } from '../route.js';
import { projectParams } from '../schemas.js';
import { artifactOf, originOf, readConfig, repositoryOf } from '../index-lookup.js';
import { projectOf } from '../../admin/names.js';

/** The repository and artifact read routes. */
export const repositoryRoutes = [
  route({
    method: 'get',
    path: '/projects/{project}/repositories',
    tag: 'repositories',
    summary: "A page of a project's repositories with artifact count, size and last push (q: name contains)",
    permission: 'project:pull',
    params: projectParams,
    query: pageQuery,
    response: pageOf(repositorySchema),
    paged: true,
    async handler({ params, query, deps }) {
      const filter = { project: params.project, query: query.q };
      const [items, total] = await Promise.all([
        deps.services.stores.index.repositories({ ...filter, ...window(query) }),
        deps.services.stores.index.countRepositories(filter),
      ]);
      return { items: items.map(showRepository), total };
    },
  }),
  route({
    method: 'get',
    path: '/projects/{project}/repositories/{repository}',
    tag: 'repositories',
    summary: 'One repository',
    permission: 'project:pull',
    params: repositoryParams,
    response: repositorySchema,
    handler: async ({ params, deps }) => showRepository(await repositoryOf(deps, params)),
  }),
  route({
    method: 'delete',
    path: '/projects/{project}/repositories/{repository}',
    tag: 'repositories',
    summary: 'Delete a repository: its tags and manifests go and it leaves the catalog at once; its blobs are freed by the next GC run',
    permission: 'project:delete',
    params: repositoryParams,
    async handler({ params, deps, caller, req }) {
      // Storage decides whether it exists (the index may not have caught up with a push yet).
      if (projectOf(params.repository) !== params.project) {
        throw new ApiError(404, 'NOT_FOUND', `no repository ${params.repository} in project ${params.project}`);
      }
      await deps.registry.repositories.remove(params.repository, originOf(caller, req));
      await deps.indexer?.idle();
    },
  }),
  route({
    method: 'get',
    path: '/projects/{project}/repositories/{repository}/artifacts',
    tag: 'artifacts',
    summary: "A page of a repository's artifacts, newest push first, with their tags (q: a tag contains, or the digest starts with)",
    permission: 'project:pull',
    params: repositoryParams,
    query: pageQuery,
    response: pageOf(artifactSchema),
    paged: true,
    async handler({ params, query, deps }) {
      await repositoryOf(deps, params);
      const filter = { query: query.q };
      const [items, total] = await Promise.all([
        deps.services.stores.index.artifacts(params.repository, { ...filter, ...window(query) }),
        deps.services.stores.index.countArtifacts(params.repository, filter),
      ]);
      return { items: items.map(showArtifact), total };
    },
  }),
  route({
    method: 'get',
    path: '/projects/{project}/repositories/{repository}/artifacts/{reference}',
    tag: 'artifacts',
    summary: 'One artifact (by digest or tag) with its manifest and config',
    permission: 'project:pull',
    params: artifactParams,
    response: artifactDetailSchema,
    async handler({ params, deps }) {
      const a = await artifactOf(deps, params);
      const stored = await deps.registry.manifests.load(parseDigest(a.digest));
      const manifest = JSON.parse(stored.body.toString('utf8')) as unknown;
      return { ...showArtifact(a), manifest, config: await readConfig(deps, stored.parsed.blobs[0]) };
    },
  }),
];
