/**
 * Finding what an artifact route names in the index (404 when it is not there), and what the
 * artifact routes share: the caller as an event's origin, an image config read for display.
 */
import type { Request } from 'express';
import type { z } from 'zod';
import { projectOf } from '../admin/names.js';
import { clientAddress } from '../auth/controller.js';
import type { Artifact } from '../db/index-types.js';
import type { Origin } from '../events/events.js';
import type { Descriptor } from '../registry/manifest-parse.js';
import * as paths from '../registry/paths.js';
import { ApiError } from './errors.js';
import type { artifactParams } from './index-schemas.js';
import type { ApiDeps, Caller } from './route.js';

/** The repository a path names, checked to belong to the path's project; 404 when not indexed. */
export async function repositoryOf(deps: ApiDeps, params: { project: string; repository: string }) {
  const found =
    projectOf(params.repository) === params.project ? await deps.services.stores.index.repository(params.repository) : undefined;
  if (!found) throw new ApiError(404, 'NOT_FOUND', `no repository ${params.repository} in project ${params.project}`);
  return found;
}

/** The artifact a digest or tag names in a repository; 404 when there is none. */
export async function artifactOf(deps: ApiDeps, params: z.output<typeof artifactParams>): Promise<Artifact> {
  await repositoryOf(deps, params);
  const ref = params.reference.includes(':') ? { digest: params.reference } : { tag: params.reference };
  const found = await deps.services.stores.index.artifact(params.repository, ref);
  if (!found) throw new ApiError(404, 'NOT_FOUND', `no artifact ${params.reference} in ${params.repository}`);
  return found;
}

// Configs shown inline: JSON up to this size (an artifact's "config" may be any payload).
const CONFIG_SHOWN = 1 << 20;

/** An image config's JSON, when it is small JSON; null otherwise. */
export async function readConfig(deps: ApiDeps, config: Descriptor | undefined): Promise<unknown> {
  if (!config || config.size > CONFIG_SHOWN || !/json/.test(config.mediaType)) return null;
  try {
    return JSON.parse((await deps.registry.driver.getContent(paths.blobData(config.digest))).toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

/** The origin of a change an API caller makes (who and from where), for events. */
export function originOf(caller: Caller, req: Request): Origin {
  const p = caller.principal;
  return { ...(p ? { actor: p.name, actorKind: p.kind } : {}), address: clientAddress(req) };
}
