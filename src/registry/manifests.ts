/**
 * Manifests of a repository: verified PUT (exact bytes, references checked, any number of
 * tags), GET by tag or digest, DELETE. Manifest bytes are stored as blobs, so they are
 * immutable by digest and cached as such.
 *
 * Writers of one manifest revision (a PUT, a DELETE by digest) take turns in this process, and
 * tag writes take turns per tag (TagService): a PUT racing a DELETE ends as if one ran after
 * the other, never with a tag pointing at a removed revision or a half-removed tag folder.
 */
import type { EventBus } from '../events/bus.js';
import type { Origin } from '../events/events.js';
import type { StorageDriver } from '../storage/driver.js';
import type { BlobStore } from './blobs.js';
import { DigestInvalidError, ManifestUnknownError } from './errors.js';
import { WriteGuards } from './guards.js';
import { digestOf } from './hashing.js';
import { KeyedLock } from './keyed-lock.js';
import { deleteIfExists, readLink, writeLink } from './links.js';
import { Lru } from './lru.js';
import { parseManifest, type ParsedManifest } from './manifest-parse.js';
import { checkReferences, STRICT_INDEXES, type IndexPolicy } from './manifest-refs.js';
import { Pacer } from './pacer.js';
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

/** What a manifest PUT carries besides the repository, the reference and the bytes. */
export interface PutOptions {
  /** The request's Content-Type. */
  contentType?: string;
  /** More tags to point at the manifest (the `tag` query parameters), already checked. */
  tags?: readonly string[];
  origin?: Origin;
}

/** A stored manifest and every tag the PUT pointed at it. */
export interface PutResult extends StoredManifest {
  tags: string[];
}

/** Settings of the manifest service (from `validation.manifests`). */
export interface ManifestOptions {
  /** Which children of an index must already be pushed (default: all). */
  indexes?: IndexPolicy;
}

/** Manifest operations over the storage driver. */
export class ManifestService {
  /** Manifests by digest: immutable, so safe to keep (bounded to 64 MiB of bodies). */
  private readonly cache = new Lru<string, StoredManifest>(64 << 20, (m) => m.body.length + 512);
  /** Asked before a client's push or delete commits (createRegistry sets the registry's). */
  guards = new WriteGuards();
  /** Turns per "repository@digest": a PUT and a DELETE of one revision never interleave. */
  private readonly revisions = new KeyedLock();
  private readonly indexes: IndexPolicy;

  constructor(
    private readonly driver: StorageDriver,
    private readonly blobs: BlobStore,
    private readonly tags: TagService,
    protected readonly events: EventBus,
    options: ManifestOptions = {},
  ) {
    this.indexes = options.indexes ?? STRICT_INDEXES;
  }

  /**
   * Store a manifest under its digest and point every tag at it: the reference's, if it is a
   * tag, and `options.tags`. Nothing is written unless every reference check passes.
   */
  async put(name: string, ref: Reference, body: Buffer, options: PutOptions = {}): Promise<PutResult> {
    const pacer = new Pacer();
    const parsed = await parseManifest(body, options.contentType, pacer);
    const digest = digestOf(body, ref.kind === 'digest' ? ref.digest.algorithm : 'sha256');
    if (ref.kind === 'digest' && ref.digest.value !== digest.value) {
      throw new DigestInvalidError('manifest digest does not match the reference', { expected: ref.digest.value, actual: digest.value });
    }
    const tags = [...new Set([...(ref.kind === 'tag' ? [ref.tag] : []), ...(options.tags ?? [])])];
    await this.guards.check({
      action: 'manifest.push',
      repository: name,
      digest: digest.value,
      ...(tags[0] ? { tag: tags[0] } : {}),
      origin: options.origin,
    });
    const lookup = { blob: (d: Digest) => this.holdsBlob(name, d), manifest: (d: Digest) => this.exists(name, d) };
    // Pinned from the reference check to the last link: a collector run keeps what this
    // manifest names (src/registry/pins.ts).
    const pinned = [digest, ...parsed.blobs.map((b) => b.digest), ...parsed.manifests.map((m) => m.digest)].map((d) => d.value);
    await this.blobs.pins.with(pinned, async () => {
      await checkReferences(parsed, lookup, this.indexes, pacer);
      await this.revisions.run(`${name}@${digest.value}`, async () => {
        if ((await this.blobs.statGlobal(digest)) === null) await this.driver.putContent(paths.blobData(digest), body);
        await writeLink(this.driver, paths.revisionLink(name, digest), digest);
        if (parsed.subject) await writeLink(this.driver, paths.referrerLink(name, parsed.subject.digest, digest), digest);
        await this.tags.tagAll(name, tags, digest);
      });
    });
    const stored = { digest, body, parsed };
    this.cache.set(digest.value, stored);
    this.events.emit(
      'manifest.pushed',
      {
        repository: name,
        digest: digest.value,
        mediaType: parsed.mediaType,
        size: body.length,
        tags,
        ...(parsed.subject ? { subject: parsed.subject.digest.value } : {}),
      },
      options.origin,
    );
    return { ...stored, tags };
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
    const stored = { digest, body, parsed: await parseManifest(body) };
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
  async delete(name: string, ref: Reference, origin?: Origin): Promise<void> {
    if (ref.kind === 'tag') {
      await this.guards.check({ action: 'tag.delete', repository: name, tag: ref.tag, origin });
      const digest = await this.tags.untag(name, ref.tag);
      this.events.emit('tag.deleted', { repository: name, tag: ref.tag, ...(digest ? { digest: digest.value } : {}) }, origin);
      return;
    }
    const tags = await this.revisions.run(`${name}@${ref.digest.value}`, async () => {
      const stored = await this.get(name, ref);
      await this.guards.check({ action: 'manifest.delete', repository: name, digest: ref.digest.value, origin });
      await deleteIfExists(this.driver, paths.revisionDir(name, ref.digest));
      const removed = await this.tags.untagDigest(name, ref.digest);
      if (stored.parsed.subject) {
        await deleteIfExists(this.driver, paths.referrerLink(name, stored.parsed.subject.digest, ref.digest).replace(/\/link$/, ''));
      }
      return removed;
    });
    this.events.emit('manifest.deleted', { repository: name, digest: ref.digest.value, tags }, origin);
  }

  /** Whether the repository links the blob and its content is stored. */
  private async holdsBlob(name: string, digest: Digest): Promise<boolean> {
    return (await this.blobs.isLinked(name, digest)) && (await this.blobs.statGlobal(digest)) !== null;
  }

  private unknown(ref: Reference): ManifestUnknownError {
    return new ManifestUnknownError('manifest unknown to registry', ref.kind === 'tag' ? { tag: ref.tag } : { digest: ref.digest.value });
  }
}
