/** Blobs of a repository: lookup through the repository's links, reading, linking, unlinking. */
import type { Readable } from 'node:stream';
import type { EventBus } from '../events/bus.js';
import type { Origin } from '../events/events.js';
import { readBuffers } from '../storage/buffer-pool.js';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { BlobUnknownError } from './errors.js';
import { WriteGuards } from './guards.js';
import { Pins } from './pins.js';
import { deleteIfExists, readLink, writeLink } from './links.js';
import * as paths from './paths.js';
import { parseName, type Digest } from './reference.js';

/** Repositories an anonymous mount looks in, at most. */
export const MOUNT_SEARCH_LIMIT = 256;
// Of those, looked at together.
const MOUNT_SEARCH_PARALLEL = 8;

/** What is known about a blob the repository holds. */
export interface BlobInfo {
  digest: Digest;
  size: number;
}

/** Blob operations over the storage driver. */
export class BlobStore {
  /** Asked before a client's mount or delete commits (createRegistry sets the registry's). */
  guards = new WriteGuards();
  /** Held while a link to stored content is written, so garbage collection keeps it (createRegistry sets the registry's). */
  pins = new Pins();

  constructor(
    private readonly driver: StorageDriver,
    protected readonly events: EventBus,
  ) {}

  /** Size of the content-addressed blob, or null when it is not stored at all. */
  async statGlobal(digest: Digest): Promise<number | null> {
    try {
      const info = await this.driver.stat(paths.blobData(digest));
      return info.isDir ? null : info.size;
    } catch (err) {
      if (err instanceof PathNotFoundError) return null;
      throw err;
    }
  }

  /**
   * Whether `name` links to the blob. Like Distribution, a manifest revision counts too,
   * so manifests can be fetched through the blobs endpoint.
   */
  async isLinked(name: string, digest: Digest): Promise<boolean> {
    const link =
      (await readLink(this.driver, paths.layerLink(name, digest))) ?? (await readLink(this.driver, paths.revisionLink(name, digest)));
    return link !== null && link.value === digest.value;
  }

  /** The blob as held by the repository; BlobUnknownError otherwise. */
  async stat(name: string, digest: Digest): Promise<BlobInfo> {
    const [linked, size] = await Promise.all([this.isLinked(name, digest), this.statGlobal(digest)]);
    if (!linked || size === null) throw new BlobUnknownError('blob unknown to registry', { digest: digest.value });
    return { digest, size };
  }

  /** Stream the blob's bytes from `start` to `end` (inclusive). */
  open(digest: Digest, start?: number, end?: number): Promise<Readable> {
    return this.driver.reader(paths.blobData(digest), start, end);
  }

  /**
   * Give back a chunk read from open() once it has left the process, so its buffer serves
   * the next read (storage/buffer-pool.ts); chunks not given back are simply garbage.
   */
  sent(chunk: Buffer): void {
    readBuffers.release(chunk);
  }

  /** A direct download URL from the backend, if it offers one. */
  redirectURL(digest: Digest, method: string): Promise<string | null> {
    return this.driver.redirectURL(paths.blobData(digest), method);
  }

  /** Make the (already stored) blob part of a repository. */
  link(name: string, digest: Digest): Promise<void> {
    return writeLink(this.driver, paths.layerLink(name, digest), digest);
  }

  /** Cross-repository mount: link a blob `from` holds into `name`; false when it cannot. */
  mount(name: string, from: string, digest: Digest, origin?: Origin): Promise<BlobInfo | null> {
    return this.pins.with([digest.value], async () => {
      const [linked, size] = await Promise.all([this.isLinked(from, digest), this.statGlobal(digest)]);
      if (!linked || size === null) return null;
      await this.guards.check({ action: 'blob.mount', repository: name, digest: digest.value, origin });
      await this.link(name, digest);
      this.events.emit('blob.mounted', { repository: name, from, digest: digest.value, size }, origin);
      return { digest, size };
    });
  }

  /**
   * Anonymous mount (`?mount=` without `from`): link the blob into `name` when it is stored and
   * `name` or one of `candidates()` (repositories the caller may pull, asked only when the blob
   * is stored) links it; null otherwise. At most MOUNT_SEARCH_LIMIT repositories are looked at,
   * and only those: a caller never learns of a blob in a repository it may not read.
   */
  mountAny(name: string, digest: Digest, candidates: () => Promise<readonly string[]>, origin?: Origin): Promise<BlobInfo | null> {
    return this.pins.with([digest.value], () => this.mountAnyPinned(name, digest, candidates, origin));
  }

  private async mountAnyPinned(
    name: string,
    digest: Digest,
    candidates: () => Promise<readonly string[]>,
    origin?: Origin,
  ): Promise<BlobInfo | null> {
    const size = await this.statGlobal(digest);
    if (size === null) return null;
    const order = [name, ...(await candidates()).filter((c) => c !== name && isName(c))].slice(0, MOUNT_SEARCH_LIMIT);
    let from: string | undefined;
    for (let i = 0; i < order.length && from === undefined; i += MOUNT_SEARCH_PARALLEL) {
      const batch = order.slice(i, i + MOUNT_SEARCH_PARALLEL);
      const linked = await Promise.all(batch.map((repo) => this.isLinked(repo, digest)));
      from = batch[linked.indexOf(true)];
    }
    if (from === undefined) return null;
    if (from !== name) {
      await this.link(name, digest);
      this.events.emit('blob.mounted', { repository: name, from, digest: digest.value, size }, origin);
    }
    return { digest, size };
  }

  /** Remove the blob from the repository; its content stays until garbage collection. */
  async unlink(name: string, digest: Digest, origin?: Origin): Promise<void> {
    await this.guards.check({ action: 'blob.delete', repository: name, digest: digest.value, origin });
    if (!(await deleteIfExists(this.driver, paths.layerLink(name, digest).replace(/\/link$/, '')))) {
      throw new BlobUnknownError('blob unknown to registry', { digest: digest.value });
    }
    this.events.emit('blob.deleted', { repository: name, digest: digest.value }, origin);
  }
}

/** Whether a repository name a credential lists is one this registry could hold. */
function isName(name: string): boolean {
  try {
    parseName(name);
    return true;
  } catch {
    return false;
  }
}
