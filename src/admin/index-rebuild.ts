/**
 * `berth index rebuild`: recreate the artifact index from storage. Walks Distribution's
 * layout through the registry services (the catalog, each repository's manifest revisions
 * and tags) and replaces each repository's rows with what storage holds. Run in the indexer's
 * queue when one is given, a repository at a time, so events of pushes made meanwhile apply
 * after the repository's rows are replaced and are not lost.
 */
import type { IndexStore } from '../db/index-store.js';
import type { IndexedArtifact } from '../db/index-types.js';
import type { Logger } from '../log.js';
import { baseName, listOrEmpty, readLink } from '../registry/links.js';
import * as paths from '../registry/paths.js';
import { parseDigest } from '../registry/reference.js';
import type { Registry } from '../registry/registry.js';
import { artifactFacts } from './artifact-facts.js';
import type { Indexer } from './indexer.js';
import { projectOf } from './names.js';

/** What a rebuild found. */
export interface RebuildResult {
  repositories: number;
  artifacts: number;
  tags: number;
  /** Repositories that were indexed but are no longer in storage. */
  removed: number;
}

// Manifests and tags read at once within a repository.
const PARALLEL = 16;

/** Rebuild the whole index from storage. */
export async function rebuildIndex(registry: Registry, store: IndexStore, log: Logger, indexer?: Indexer): Promise<RebuildResult> {
  const result: RebuildResult = { repositories: 0, artifacts: 0, tags: 0, removed: 0 };
  const inTurn = (what: string, task: () => Promise<void>) => (indexer ? indexer.enqueue(what, task) : task());
  const names = await registry.catalog.all();
  for (const name of names) {
    await inTurn('rebuild', async () => {
      const { artifacts, tags } = await readRepository(registry, name);
      await store.replaceRepository(name, projectOf(name), artifacts, tags);
      result.repositories++;
      result.artifacts += artifacts.length;
      result.tags += tags.size;
    });
  }
  const stored = new Set(names);
  for (const name of await store.repositoryNames()) {
    if (stored.has(name)) continue;
    await inTurn('rebuild', () => store.removeRepository(name));
    result.removed++;
  }
  log.info('index rebuilt', { ...result });
  return result;
}

/** A repository's manifests and tags as storage holds them. */
async function readRepository(registry: Registry, name: string): Promise<{ artifacts: IndexedArtifact[]; tags: Map<string, string> }> {
  const { driver } = registry;
  const revisions = `${paths.manifestsDir(name)}/revisions`;
  const links: string[] = [];
  for (const alg of await listOrEmpty(driver, revisions)) {
    for (const dir of await listOrEmpty(driver, alg)) links.push(`${baseName(alg)}:${baseName(dir)}`);
  }
  const artifacts: IndexedArtifact[] = [];
  await inBatches(links, async (value) => {
    let digest;
    try {
      digest = parseDigest(value);
    } catch {
      return; // not a digest folder: nothing Distribution would serve either
    }
    const link = paths.revisionLink(name, digest);
    if ((await readLink(driver, link))?.value !== digest.value) return;
    try {
      const facts = await artifactFacts(registry, name, digest.value);
      const stat = await driver.stat(link);
      artifacts.push({ ...facts, pushedAt: stat.modTime });
    } catch {
      // A revision whose manifest blob is gone (half-collected) is not served: not indexed.
    }
  });
  const tags = new Map<string, string>();
  const held = new Set(artifacts.map((a) => a.digest));
  const names = await registry.tags.all(name).catch(() => [] as readonly string[]);
  await inBatches(names, async (tag) => {
    const digest = await readLink(driver, paths.tagCurrentLink(name, tag));
    if (digest && held.has(digest.value)) tags.set(tag, digest.value);
  });
  return { artifacts, tags };
}

async function inBatches<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL) await Promise.all(items.slice(i, i + PARALLEL).map(fn));
}
