/** Blobs of a repository: lookup through the repository's links, reading, linking, unlinking. */
import type { Readable } from 'node:stream';
import { readBuffers } from '../storage/buffer-pool.js';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { BlobUnknownError } from './errors.js';
import { deleteIfExists, readLink, writeLink } from './links.js';
import * as paths from './paths.js';
import type { Digest } from './reference.js';

/** What is known about a blob the repository holds. */
export interface BlobInfo {
  digest: Digest;
  size: number;
}

/** Blob operations over the storage driver. */
export class BlobStore {
  constructor(private readonly driver: StorageDriver) {}

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
  async mount(name: string, from: string, digest: Digest): Promise<BlobInfo | null> {
    const [linked, size] = await Promise.all([this.isLinked(from, digest), this.statGlobal(digest)]);
    if (!linked || size === null) return null;
    await this.link(name, digest);
    return { digest, size };
  }

  /** Remove the blob from the repository; its content stays until garbage collection. */
  async unlink(name: string, digest: Digest): Promise<void> {
    if (!(await deleteIfExists(this.driver, paths.layerLink(name, digest).replace(/\/link$/, '')))) {
      throw new BlobUnknownError('blob unknown to registry', { digest: digest.value });
    }
  }
}
