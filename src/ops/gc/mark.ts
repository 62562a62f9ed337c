/**
 * The mark phase: which manifests each repository keeps and which blobs anything kept needs.
 *
 * Roots are every manifest revision (Distribution's rule), or with `deleteUntagged` only the
 * revisions a tag points at, those written within the grace period, and those a write in
 * flight has pinned. From the roots, within the repository: an index keeps its children, and
 * a manifest keeps its referrers (revisions whose `subject` it is). A kept manifest marks its
 * own blob, its config and layers, and its children's digests; a layer link written within
 * the grace period marks its blob (an image whose manifest is not pushed yet).
 */
import { PathNotFoundError, type StorageDriver } from '../../storage/driver.js';
import * as paths from '../../registry/paths.js';
import { parseDigest } from '../../registry/reference.js';
import { manifestRefs, type ManifestRefs } from './refs.js';
import { forEachLimit, type RepoScan } from './scan.js';

/** A repository's manifests as the mark phase understood them. */
export interface RepoGraph {
  scan: RepoScan;
  /** Revision digest → its references; null when its blob is missing. */
  refs: Map<string, ManifestRefs | null>;
  /** Subject digest → revisions whose subject it is. */
  referrers: Map<string, string[]>;
  /** Revisions kept. */
  kept: Set<string>;
  /** Untagged revisions to delete (only with deleteUntagged). */
  candidates: string[];
}

/** How the mark phase decides. */
export interface MarkOptions {
  deleteUntagged: boolean;
  /** Links written at or after this time are recent and kept. */
  cutoff: number;
  /** Whether a write in flight depends on the digest. */
  pinned(digest: string): boolean;
}

/** The result of the mark phase. */
export interface MarkResult {
  graphs: RepoGraph[];
  /** Every blob digest something kept needs. */
  marked: Set<string>;
  /** Manifests that could not be read as JSON: while any is kept, no blob may be swept. */
  unreadable: string[];
}

/** Load every repository's manifests and mark what is kept. */
export async function mark(driver: StorageDriver, repos: Iterable<RepoScan>, options: MarkOptions): Promise<MarkResult> {
  const result: MarkResult = { graphs: [], marked: new Set(), unreadable: [] };
  for (const scan of repos) {
    const graph = await loadGraph(driver, scan);
    const tagged = new Set(scan.tags.values());
    const roots = [...scan.revisions.keys()].filter(
      (d) => !options.deleteUntagged || tagged.has(d) || scan.revisions.get(d)!.getTime() >= options.cutoff || options.pinned(d),
    );
    keep(graph, roots);
    graph.candidates = [...scan.revisions.keys()].filter((d) => !graph.kept.has(d));
    for (const [digest, at] of scan.layers) if (at.getTime() >= options.cutoff) result.marked.add(digest);
    result.graphs.push(graph);
  }
  for (const graph of result.graphs) markBlobs(graph, graph.kept, result);
  return result;
}

/** Keep `roots` and everything they keep (children, referrers) in the repository. */
export function keep(graph: RepoGraph, roots: Iterable<string>): string[] {
  const added: string[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    const d = queue.pop()!;
    if (graph.kept.has(d) || !graph.scan.revisions.has(d)) continue;
    graph.kept.add(d);
    added.push(d);
    queue.push(...(graph.refs.get(d)?.children ?? []), ...(graph.referrers.get(d) ?? []));
  }
  return added;
}

/** Mark the blobs `manifests` of `graph` need. */
export function markBlobs(graph: RepoGraph, manifests: Iterable<string>, into: Pick<MarkResult, 'marked' | 'unreadable'>): void {
  for (const d of manifests) {
    into.marked.add(d);
    const refs = graph.refs.get(d);
    if (refs === undefined) {
      into.unreadable.push(`${graph.scan.name}@${d}`);
      continue;
    }
    for (const b of refs?.blobs ?? []) into.marked.add(b);
    for (const c of refs?.children ?? []) into.marked.add(c);
  }
}

async function loadGraph(driver: StorageDriver, scan: RepoScan): Promise<RepoGraph> {
  const graph: RepoGraph = { scan, refs: new Map(), referrers: new Map(), kept: new Set(), candidates: [] };
  await forEachLimit([...scan.revisions.keys()], 8, async (digest) => {
    const body = await readBlob(driver, digest);
    if (body === null) return void graph.refs.set(digest, null);
    const refs = manifestRefs(body);
    // Unreadable: left out of `refs`, so markBlobs reports it.
    if (refs !== null) graph.refs.set(digest, refs);
  });
  for (const [digest, refs] of graph.refs) {
    if (refs?.subject === undefined) continue;
    const list = graph.referrers.get(refs.subject) ?? [];
    list.push(digest);
    graph.referrers.set(refs.subject, list);
  }
  return graph;
}

async function readBlob(driver: StorageDriver, digest: string): Promise<Buffer | null> {
  let path: string;
  try {
    path = paths.blobData(parseDigest(digest));
  } catch {
    return null;
  }
  try {
    return await driver.getContent(path);
  } catch (err) {
    if (err instanceof PathNotFoundError) return null;
    throw err;
  }
}
