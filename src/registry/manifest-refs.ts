/**
 * What a pushed manifest references must already be in the repository: its config and layers,
 * and (as `validation.manifests.indexes` says) the children of an index. The check is bounded
 * whatever the manifest holds: each distinct digest is asked once, a few at a time, the loop
 * yields to other requests between turns, and it stops once enough digests are known to be
 * missing (a manifest of 24,000 unknown layers costs a hundred lookups and a short error, not
 * 24,000 lookups at once and a 2 MB answer).
 */
import { ManifestBlobUnknownError } from './errors.js';
import type { Descriptor, ParsedManifest } from './manifest-parse.js';
import { Pacer } from './pacer.js';
import type { Digest } from './reference.js';

/** Lookups in flight at once for one manifest. */
export const CHECK_CONCURRENCY = 16;
/** Missing digests after which the check stops; the error lists at most this many. */
export const MISSING_LIMIT = 100;

/** A platform as `validation.manifests.indexes.platformlist` names it. */
export interface Platform {
  os: string;
  architecture: string;
}

/**
 * Which children of an image index must already be pushed (Distribution's
 * `validation.manifests.indexes`): `all` (the default), `none` (sparse indexes are accepted),
 * or `list`: only children whose platform is in `platformlist`.
 */
export interface IndexPolicy {
  platforms: 'all' | 'none' | 'list';
  platformlist: readonly Platform[];
}

/** Every child of every index must exist. */
export const STRICT_INDEXES: IndexPolicy = { platforms: 'all', platformlist: [] };

/** How the repository answers "do you hold this?" for each kind of reference. */
export interface ReferenceLookup {
  blob(digest: Digest): Promise<boolean>;
  manifest(digest: Digest): Promise<boolean>;
}

/** Whether an index child must exist under `policy`. */
export function mustExist(policy: IndexPolicy, child: Descriptor): boolean {
  if (policy.platforms === 'all') return true;
  if (policy.platforms === 'none') return false;
  const p = child.platform;
  return policy.platformlist.some((q) => q.os === p?.os && q.architecture === p?.architecture);
}

/** Throw ManifestBlobUnknownError when something `parsed` needs is not in the repository. */
export async function checkReferences(
  parsed: ParsedManifest,
  lookup: ReferenceLookup,
  policy: IndexPolicy = STRICT_INDEXES,
  pacer = new Pacer(),
): Promise<void> {
  const todo = new Map<string, () => Promise<boolean>>();
  for (const d of parsed.blobs) if (!todo.has(d.digest.value)) todo.set(d.digest.value, () => lookup.blob(d.digest));
  for (const d of parsed.manifests) {
    if (mustExist(policy, d) && !todo.has(d.digest.value)) todo.set(d.digest.value, () => lookup.manifest(d.digest));
  }
  const missing: string[] = [];
  const queue = todo.entries();
  let checked = 0;
  const worker = async (): Promise<void> => {
    for (let next = queue.next(); !next.done && missing.length < MISSING_LIMIT; next = queue.next()) {
      const [digest, exists] = next.value;
      if (!(await exists())) missing.push(digest);
      checked++;
      // Answers from the storage cache come back without the loop ever turning.
      await pacer.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHECK_CONCURRENCY, todo.size) }, worker));
  if (missing.length === 0) return;
  const detail: { digests: string[]; truncated?: boolean } = { digests: missing.slice(0, MISSING_LIMIT).sort() };
  if (checked < todo.size) detail.truncated = true;
  throw new ManifestBlobUnknownError('manifest references content unknown to the repository', detail);
}
