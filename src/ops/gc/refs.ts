/**
 * What a stored manifest references, read leniently for garbage collection: any JSON with
 * `config`, `layers`, `blobs`, `manifests`, `fsLayers` (schema 1, as registry:2 may have
 * stored) or `subject`. The strict parser (registry/manifest-parse.ts) refuses what a client
 * may not push; the collector must still understand what an older registry accepted.
 */

/** A manifest's references, as digests. */
export interface ManifestRefs {
  /** Config and layers (and schema 1 fsLayers): content the manifest needs. */
  blobs: string[];
  /** Child manifests of an index. */
  children: string[];
  /** The manifest this one refers to (an artifact's `subject`). */
  subject?: string;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** The references of a manifest body; null when it is not a JSON object. */
export function manifestRefs(body: Buffer): ManifestRefs | null {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const m = doc as Record<string, unknown>;
  const blobs = [
    ...digests([m['config']], 'digest'),
    ...digests(m['layers'], 'digest'),
    ...digests(m['blobs'], 'digest'),
    ...digests(m['fsLayers'], 'blobSum'),
  ];
  const refs: ManifestRefs = { blobs, children: digests(m['manifests'], 'digest') };
  const [subject] = digests([m['subject']], 'digest');
  if (subject !== undefined) refs.subject = subject;
  return refs;
}

function digests(list: unknown, key: string): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const item of list) {
    const value = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[key] : undefined;
    if (typeof value === 'string' && DIGEST.test(value)) out.push(value);
  }
  return out;
}
