/**
 * Manifests of a repository: verified PUT (exact bytes, references checked), GET by tag or
 * digest, DELETE. Manifest bytes are stored as blobs, so they are immutable by digest and
 * cached as such.
 */
import type { StorageDriver } from '../storage/driver.js';
import type { BlobStore } from './blobs.js';
import { DigestInvalidError, ManifestBlobUnknownError, ManifestUnknownError } from './errors.js';
import { digestOf } from './hashing.js';
import { deleteIfExists, readLink, writeLink } from './links.js';
import { Lru } from './lru.js';
import { parseManifest, type ParsedManifest } from './manifest-parse.js';
import * as paths from './paths.js';
import type { Digest, Reference } from './reference.js';
import type { TagService } from './tags.js';
import { PathNotFoundError } from '../storage/driver.js';

/** A manifest as stored: its exact bytes, digest and what parsing them told. */
export interface StoredManifest {
  digest: Digest;
  body: Buffer;
  parsed: ParsedManifest;
}

/** Manifest operations over the storage driver. */
export class ManifestService {
  /** Manifests by digest: immutable, so safe to keep (bounded to 64 MiB of bodies). */
  private readonly cache = new Lru<string, StoredManifest>(64 << 20, (m) => m.body.length + 512);

  constructor(
    private readonly driver: StorageDriver,
    private readonly blobs: BlobStore,
    private readonly tags: TagService,
  ) {}

  /** Store a manifest under a tag or its digest; returns its digest. */
  async put(name: string, ref: Reference, body: Buffer, contentType?: string): Promise<StoredManifest> {
    const parsed = parseManifest(body, contentType);
    const digest = digestOf(body, ref.kind === 'digest' ? ref.digest.algorithm : 'sha256');
    if (ref.kind === 'digest' && ref.digest.value !== digest.value) {
      throw new DigestInvalidError('manifest digest does not match the reference', { expected: ref.digest.value, actual: digest.value });
    }
    await this.checkReferences(name, parsed);
    if ((await this.blobs.statGlobal(digest)) === null) await this.driver.putContent(paths.blobData(digest), body);
    await writeLink(this.driver, paths.revisionLink(name, digest), digest);
    if (parsed.subject) await writeLink(this.driver, paths.referrerLink(name, parsed.subject.digest, digest), digest);
    if (ref.kind === 'tag') await this.tags.tag(name, ref.tag, digest);
    const stored = { digest, body, parsed };
    this.cache.set(digest.value, stored);
    return stored;
  }

  /** The manifest a tag or digest names in this repository. */
  async get(name: string, ref: Reference): Promise<StoredManifest> {
    const digest = ref.kind === 'tag' ? await this.tags.resolve(name, ref.tag) : ref.digest;
    const link = await readLink(this.driver, paths.revisionLink(name, digest));
    if (link === null || link.value !== digest.value) throw this.unknown(ref);
    return this.load(digest, ref);
  }

  /** Read a manifest by digest without checking repository membership (cached). */
  async load(digest: Digest, ref?: Reference): Promise<StoredManifest> {
    const hit = this.cache.get(digest.value);
    if (hit) return hit;
    let body: Buffer;
    try {
      body = await this.driver.getContent(paths.blobData(digest));
    } catch (err) {
      if (err instanceof PathNotFoundError) throw this.unknown(ref ?? { kind: 'digest', digest });
      throw err;
    }
    const stored = { digest, body, parsed: parseManifest(body) };
    this.cache.set(digest.value, stored);
    return stored;
  }

  /** Whether the repository holds this manifest revision. */
  async exists(name: string, digest: Digest): Promise<boolean> {
    return (await readLink(this.driver, paths.revisionLink(name, digest)))?.value === digest.value;
  }

  /**
   * Delete by digest (the revision, every tag pointing at it, its referrer entry) or by tag
   * (only the tag).
   */
  async delete(name: string, ref: Reference): Promise<void> {
    if (ref.kind === 'tag') return this.tags.untag(name, ref.tag);
    const stored = await this.get(name, ref);
    await deleteIfExists(this.driver, paths.revisionDir(name, ref.digest));
    await this.tags.untagDigest(name, ref.digest);
    if (stored.parsed.subject) {
      await deleteIfExists(this.driver, paths.referrerLink(name, stored.parsed.subject.digest, ref.digest).replace(/\/link$/, ''));
    }
  }

  private async checkReferences(name: string, parsed: ParsedManifest): Promise<void> {
    const missing: string[] = [];
    await Promise.all([
      ...parsed.blobs.map(async (d) => {
        if (!(await this.blobs.isLinked(name, d.digest)) || (await this.blobs.statGlobal(d.digest)) === null) missing.push(d.digest.value);
      }),
      ...parsed.manifests.map(async (d) => {
        if (!(await this.exists(name, d.digest))) missing.push(d.digest.value);
      }),
    ]);
    if (missing.length > 0) {
      throw new ManifestBlobUnknownError('manifest references content unknown to the repository', { digests: missing.sort() });
    }
  }

  private unknown(ref: Reference): ManifestUnknownError {
    return new ManifestUnknownError('manifest unknown to registry', ref.kind === 'tag' ? { tag: ref.tag } : { digest: ref.digest.value });
  }
}
