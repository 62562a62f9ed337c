/**
 * The sweep phase. Each candidate is claimed against the pins (src/registry/pins.ts) and
 * checked again just before it goes: a revision or blob whose link or data was written at or
 * after the cutoff, a revision a tag points at now, or anything a write in flight depends on
 * is spared (and what it needs is marked). A spared untagged manifest keeps its blobs.
 */
import type { EventBus } from '../../events/bus.js';
import type { Pins } from '../../registry/pins.js';
import { deleteIfExists, listOrEmpty, baseName } from '../../registry/links.js';
import * as paths from '../../registry/paths.js';
import { parseDigest } from '../../registry/reference.js';
import { PathNotFoundError, type FileInfo, type StorageDriver } from '../../storage/driver.js';
import { keep, markBlobs, type MarkResult, type RepoGraph } from './mark.js';
import { forEachLimit, readLinkText, type BlobScan, type RepoScan } from './scan.js';

/** What the sweep works with. */
export interface SweepContext {
  /** Deletes go through the registry's driver, so its storage cache forgets what went. */
  driver: StorageDriver;
  /** Re-checks read storage itself, never a cached fact. */
  fresh: StorageDriver;
  pins: Pins;
  events: EventBus;
  /** Content written at or after this time (ms) is never swept. */
  cutoff: number;
  dryRun: boolean;
}

/** What the sweep removed (or, in a dry run, would have). */
export interface Swept {
  manifests: { repository: string; digest: string }[];
  blobs: { digest: string; size: number }[];
  /** Candidates spared by the re-check (recent, tagged meanwhile, pinned). */
  spared: number;
  errors: string[];
}

const GC_ORIGIN = { actor: 'gc', actorKind: 'system' as const };

/** Remove untagged revisions nothing keeps (the mark phase only lists them with deleteUntagged). */
export async function sweepManifests(ctx: SweepContext, mark: MarkResult, out: Swept): Promise<void> {
  for (const graph of mark.graphs) {
    for (const digest of graph.candidates) {
      // Kept meanwhile: the child or referrer of a candidate spared before it.
      if (graph.kept.has(digest)) continue;
      if (await ctx.pins.claim(digest, () => removeManifest(ctx, graph, digest))) {
        out.manifests.push({ repository: graph.scan.name, digest });
      } else {
        out.spared++;
        markBlobs(graph, keep(graph, [digest]), mark);
      }
    }
  }
}

/** Remove blobs nothing marked, with the layer links that named them. */
export async function sweepBlobs(
  ctx: SweepContext,
  mark: MarkResult,
  blobs: readonly BlobScan[],
  repos: Iterable<RepoScan>,
  out: Swept,
): Promise<void> {
  if (mark.unreadable.length > 0) {
    out.errors.push(`no blob swept: kept manifests that are not JSON: ${mark.unreadable.slice(0, 10).join(', ')}`);
    return;
  }
  const linkedBy = new Map<string, string[]>();
  for (const repo of repos) {
    for (const d of repo.layers.keys()) {
      const names = linkedBy.get(d);
      if (names) names.push(repo.name);
      else linkedBy.set(d, [repo.name]);
    }
  }
  const unmarked = blobs.filter((b) => !mark.marked.has(b.digest));
  await forEachLimit(unmarked, 8, async (blob) => {
    if (blob.modTime.getTime() >= ctx.cutoff) return void out.spared++;
    try {
      if (await ctx.pins.claim(blob.digest, () => removeBlob(ctx, blob.digest, linkedBy.get(blob.digest) ?? []))) out.blobs.push(blob);
      else out.spared++;
    } catch (err) {
      out.errors.push(`${blob.digest}: ${(err as Error).message}`);
    }
  });
}

async function removeManifest(ctx: SweepContext, graph: RepoGraph, digest: string): Promise<boolean> {
  const d = parseDigest(digest);
  const name = graph.scan.name;
  const link = await statOrNull(ctx.fresh, paths.revisionLink(name, d));
  if (link === null || link.modTime.getTime() >= ctx.cutoff) return false;
  const tags = (await listOrEmpty(ctx.fresh, paths.tagsDir(name))).map(baseName);
  for (const tag of tags) if ((await readLinkText(ctx.fresh, paths.tagCurrentLink(name, tag))) === digest) return false;
  if (ctx.dryRun) return true;
  await deleteIfExists(ctx.driver, paths.revisionDir(name, d));
  for (const tag of tags) await deleteIfExists(ctx.driver, paths.tagIndexLink(name, tag, d).replace(/\/link$/, ''));
  const subject = graph.refs.get(digest)?.subject;
  if (subject !== undefined) await deleteIfExists(ctx.driver, paths.referrerLink(name, parseDigest(subject), d).replace(/\/link$/, ''));
  ctx.events.emit('manifest.deleted', { repository: name, digest, tags: [] }, GC_ORIGIN);
  return true;
}

async function removeBlob(ctx: SweepContext, digest: string, repos: readonly string[]): Promise<boolean> {
  const d = parseDigest(digest);
  const data = await statOrNull(ctx.fresh, paths.blobData(d));
  if (data === null || data.modTime.getTime() >= ctx.cutoff) return false;
  if (ctx.dryRun) return true;
  await deleteIfExists(ctx.driver, paths.blobDir(d));
  // Layer links to it are dangling now; one written since the cutoff is left to its writer.
  for (const name of repos) {
    const link = await statOrNull(ctx.fresh, paths.layerLink(name, d));
    if (link !== null && link.modTime.getTime() < ctx.cutoff)
      await deleteIfExists(ctx.driver, paths.layerLink(name, d).replace(/\/link$/, ''));
  }
  return true;
}

async function statOrNull(driver: StorageDriver, path: string): Promise<FileInfo | null> {
  try {
    return await driver.stat(path);
  } catch (err) {
    if (err instanceof PathNotFoundError) return null;
    throw err;
  }
}
