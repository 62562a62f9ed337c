/**
 * What the index records about a manifest, computed from storage through the registry
 * services: sizes, an index's platforms, the subject, a description from the image config's
 * label or the manifest's annotation.
 */
import type { IndexedArtifact } from '../db/index-types.js';
import * as paths from '../registry/paths.js';
import type { Descriptor } from '../registry/manifest-parse.js';
import { parseDigest } from '../registry/reference.js';
import type { Registry } from '../registry/registry.js';
import { projectOf } from './names.js';

/** The label (on an image config) or annotation (on a manifest) that describes an image. */
export const DESCRIPTION = 'org.opencontainers.image.description';

// Configs read for their labels are small JSON; bigger ones (an artifact's payload) are skipped.
const CONFIG_READ_LIMIT = 256 << 10;
// An index of indexes is followed this deep at most.
const NESTING = 2;

/** The facts about a stored manifest, without when and by whom it was pushed. */
export type ArtifactFacts = Omit<IndexedArtifact, 'pushedAt' | 'pushedBy'>;

/** Facts about the manifest `digest` of `repository` (read from storage). */
export async function artifactFacts(registry: Registry, repository: string, digest: string): Promise<ArtifactFacts> {
  const stored = await registry.manifests.load(parseDigest(digest));
  const { parsed } = stored;
  const facts: ArtifactFacts = {
    repository,
    project: projectOf(repository),
    digest,
    mediaType: parsed.mediaType,
    manifestSize: stored.body.length,
    size: 0,
    ...(parsed.artifactType ? { artifactType: parsed.artifactType } : {}),
    ...(parsed.subject ? { subject: parsed.subject.digest.value } : {}),
  };
  const annotated = parsed.annotations?.[DESCRIPTION];
  if (parsed.manifests.length > 0 || parsed.blobs.length === 0) {
    facts.size = await childrenSize(registry, parsed.manifests, NESTING);
    facts.platforms = [...new Set(parsed.manifests.map(platformOf).filter((p): p is string => p !== undefined))];
  } else {
    facts.size = parsed.blobs.reduce((n, b) => n + b.size, 0);
  }
  const description = annotated ?? (parsed.blobs[0] ? await configLabel(registry, parsed.blobs[0]) : undefined);
  if (description) facts.description = description;
  return facts;
}

/** "os/arch[/variant]" of an index entry, when it names one. */
function platformOf(d: Descriptor): string | undefined {
  const p = d.platform;
  if (!p?.os || !p.architecture) return undefined;
  return [p.os, p.architecture, ...(p.variant ? [p.variant] : [])].join('/');
}

async function childrenSize(registry: Registry, children: readonly Descriptor[], depth: number): Promise<number> {
  let total = 0;
  for (const child of children) {
    try {
      const m = (await registry.manifests.load(child.digest)).parsed;
      total += m.blobs.reduce((n, b) => n + b.size, 0);
      if (m.manifests.length > 0 && depth > 1) total += await childrenSize(registry, m.manifests, depth - 1);
    } catch {
      // A child not pushed (a sparse index) adds nothing: its bytes are not stored here.
    }
  }
  return total;
}

async function configLabel(registry: Registry, config: Descriptor): Promise<string | undefined> {
  if (config.size > CONFIG_READ_LIMIT || !/json/.test(config.mediaType)) return undefined;
  try {
    const doc = JSON.parse((await registry.driver.getContent(paths.blobData(config.digest))).toString('utf8')) as {
      config?: { Labels?: Record<string, unknown> | null };
    };
    const label = doc.config?.Labels?.[DESCRIPTION];
    return typeof label === 'string' ? label : undefined;
  } catch {
    return undefined;
  }
}
