/**
 * Tags of a repository: resolve, move, list, remove. Writes of one tag take turns in this
 * process: moving a tag writes two links into its folder and removing it deletes the folder,
 * so interleaved they could leave a tag without a current link (listed, yet unknown).
 */
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { ManifestUnknownError, NameUnknownError } from './errors.js';
import { KeyedLock } from './keyed-lock.js';
import { baseName, deleteIfExists, readLink, writeLink } from './links.js';
import * as paths from './paths.js';
import type { Digest } from './reference.js';

/** Tag operations over the storage driver. */
export class TagService {
  // Sorted tag names per folder listing. The storage cache hands out the same listing until a
  // tag changes, so a big repository's tags are sorted once, not on every request.
  private readonly sorted = new WeakMap<readonly string[], readonly string[]>();
  private readonly lock = new KeyedLock();

  constructor(private readonly driver: StorageDriver) {}

  /** The digest a tag points to; ManifestUnknownError when the tag does not exist. */
  async resolve(name: string, tag: string): Promise<Digest> {
    const digest = await readLink(this.driver, paths.tagCurrentLink(name, tag));
    if (digest === null) throw new ManifestUnknownError('manifest tagged by this name unknown to registry', { tag });
    return digest;
  }

  /** Point a tag at a digest, recording it in the tag's history as Distribution does. */
  tag(name: string, tag: string, digest: Digest): Promise<void> {
    return this.turn(name, tag, async () => {
      await writeLink(this.driver, paths.tagIndexLink(name, tag, digest), digest);
      await writeLink(this.driver, paths.tagCurrentLink(name, tag), digest);
    });
  }

  /** Point every tag of `tags` at a digest, a few at a time. */
  async tagAll(name: string, tags: readonly string[], digest: Digest): Promise<void> {
    for (let i = 0; i < tags.length; i += TAG_WRITES) {
      await Promise.all(tags.slice(i, i + TAG_WRITES).map((t) => this.tag(name, t, digest)));
    }
  }

  /** Remove a tag; the digest it pointed at (when readable). ManifestUnknownError when it does not exist. */
  untag(name: string, tag: string): Promise<Digest | undefined> {
    return this.turn(name, tag, async () => {
      const digest = await readLink(this.driver, paths.tagCurrentLink(name, tag));
      if (!(await deleteIfExists(this.driver, paths.tagDir(name, tag)))) {
        throw new ManifestUnknownError('manifest tagged by this name unknown to registry', { tag });
      }
      return digest ?? undefined;
    });
  }

  /** Remove every tag currently pointing at `digest`; returns the tags removed. */
  async untagDigest(name: string, digest: Digest): Promise<string[]> {
    const removed: string[] = [];
    for (const tag of await this.all(name).catch(() => [])) {
      // Read again in the tag's turn: a PUT may have just moved it to another digest.
      const gone = await this.turn(name, tag, async () => {
        const current = await readLink(this.driver, paths.tagCurrentLink(name, tag));
        return current?.value === digest.value && (await deleteIfExists(this.driver, paths.tagDir(name, tag)));
      });
      if (gone) removed.push(tag);
    }
    return removed;
  }

  private turn<T>(name: string, tag: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(`${name}:${tag}`, fn);
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

/** Tags written at once by one PUT. */
const TAG_WRITES = 8;

/** Byte-wise lexical order, as the spec's pagination expects. */
export const compareLexical = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
