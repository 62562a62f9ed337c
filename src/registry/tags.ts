/** Tags of a repository: resolve, move, list, remove. */
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { ManifestUnknownError, NameUnknownError } from './errors.js';
import { baseName, deleteIfExists, readLink, writeLink } from './links.js';
import * as paths from './paths.js';
import type { Digest } from './reference.js';

/** Tag operations over the storage driver. */
export class TagService {
  // Sorted tag names per folder listing. The storage cache hands out the same listing until a
  // tag changes, so a big repository's tags are sorted once, not on every request.
  private readonly sorted = new WeakMap<readonly string[], readonly string[]>();

  constructor(private readonly driver: StorageDriver) {}

  /** The digest a tag points to; ManifestUnknownError when the tag does not exist. */
  async resolve(name: string, tag: string): Promise<Digest> {
    const digest = await readLink(this.driver, paths.tagCurrentLink(name, tag));
    if (digest === null) throw new ManifestUnknownError('manifest tagged by this name unknown to registry', { tag });
    return digest;
  }

  /** Point a tag at a digest, recording it in the tag's history as Distribution does. */
  async tag(name: string, tag: string, digest: Digest): Promise<void> {
    await writeLink(this.driver, paths.tagIndexLink(name, tag, digest), digest);
    await writeLink(this.driver, paths.tagCurrentLink(name, tag), digest);
  }

  /** Remove a tag; ManifestUnknownError when it does not exist. */
  async untag(name: string, tag: string): Promise<void> {
    if (!(await deleteIfExists(this.driver, paths.tagDir(name, tag)))) {
      throw new ManifestUnknownError('manifest tagged by this name unknown to registry', { tag });
    }
  }

  /** Remove every tag currently pointing at `digest`. */
  async untagDigest(name: string, digest: Digest): Promise<void> {
    for (const tag of await this.all(name).catch(() => [])) {
      const current = await readLink(this.driver, paths.tagCurrentLink(name, tag));
      if (current?.value === digest.value) await deleteIfExists(this.driver, paths.tagDir(name, tag));
    }
  }

  /** Every tag of the repository, in lexical order; NameUnknownError for an unknown repository. */
  async all(name: string): Promise<readonly string[]> {
    try {
      const entries = await this.driver.list(paths.tagsDir(name));
      let tags = this.sorted.get(entries);
      if (tags === undefined) {
        tags = Object.freeze(entries.map(baseName).sort(compareLexical));
        this.sorted.set(entries, tags);
      }
      return tags;
    } catch (err) {
      if (!(err instanceof PathNotFoundError)) throw err;
    }
    try {
      await this.driver.stat(paths.manifestsDir(name));
      return [];
    } catch (err) {
      if (err instanceof PathNotFoundError) throw new NameUnknownError('repository name not known to registry', { name });
      throw err;
    }
  }
}

/** Byte-wise lexical order, as the spec's pagination expects. */
export const compareLexical = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
