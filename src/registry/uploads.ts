/**
 * Blob uploads: staged under the repository's _uploads folder, hashed as bytes arrive,
 * verified, then promoted into content-addressed storage and linked. All state that matters
 * (the bytes, the start time) lives in storage, so an upload survives a restart or moves to
 * another process; the running hash is only a shortcut, and a missing or stale one is
 * rebuilt from the stored bytes.
 */
import { randomUUID, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import type { BlobStore } from './blobs.js';
import { BlobUploadUnknownError, DigestInvalidError, RangeInvalidError, SizeInvalidError } from './errors.js';
import { digestStream, HashingTransform, newHash, toDigest } from './hashing.js';
import { KeyedLock } from './keyed-lock.js';
import { deleteIfExists } from './links.js';
import * as paths from './paths.js';
import type { Digest } from './reference.js';

/** Running hashes kept in memory at most (each is a few hundred bytes). */
const MAX_LIVE_HASHES = 10_000;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A chunk's declared place in the upload (Content-Range, inclusive end). */
export interface ChunkRange {
  start: number;
  end: number;
}

/** State of an upload session as reported to clients. */
export interface UploadStatus {
  id: string;
  /** Bytes received so far. */
  size: number;
}

/** A running sha256 that matches the first `offset` bytes of the upload. */
interface LiveHash {
  hash: Hash;
  offset: number;
}

/** Upload sessions over the storage driver. */
export class UploadService {
  private readonly lock = new KeyedLock();
  private readonly live = new Map<string, LiveHash>();

  constructor(
    private readonly driver: StorageDriver,
    private readonly blobs: BlobStore,
  ) {}

  /** Open a new session. */
  async start(name: string): Promise<UploadStatus> {
    const id = randomUUID();
    await this.driver.putContent(paths.uploadStartedAt(name, id), new Date().toISOString());
    const writer = await this.driver.writer(paths.uploadData(name, id), false);
    await writer.commit();
    this.remember(this.key(name, id), { hash: newHash('sha256'), offset: 0 });
    return { id, size: 0 };
  }

  /** Current size of a session; BlobUploadUnknownError when there is none. */
  async status(name: string, id: string): Promise<UploadStatus> {
    this.checkId(id);
    try {
      const info = await this.driver.stat(paths.uploadData(name, id));
      return { id, size: info.size };
    } catch (err) {
      if (err instanceof PathNotFoundError) throw new BlobUploadUnknownError('blob upload unknown to registry', { id });
      throw err;
    }
  }

  /** Append a streamed chunk; with `range`, it must start exactly where the upload ends. */
  append(name: string, id: string, body: Readable, range?: ChunkRange): Promise<UploadStatus> {
    return this.lock.run(this.key(name, id), () => this.appendLocked(name, id, body, range));
  }

  /**
   * Finish the upload: append the optional last chunk, verify the digest, promote the data
   * to its content address and link it. On a digest mismatch the session is removed and
   * nothing is stored.
   */
  complete(name: string, id: string, expected: Digest, body?: Readable, range?: ChunkRange): Promise<{ digest: Digest; size: number }> {
    return this.lock.run(this.key(name, id), async () => {
      let { size } = body ? await this.appendLocked(name, id, body, range) : await this.status(name, id);
      const actual = await this.digestOf(name, id, expected, size);
      if (actual.digest.value !== expected.value) {
        await this.removeLocked(name, id);
        throw new DigestInvalidError('provided digest did not match uploaded content', {
          expected: expected.value,
          actual: actual.digest.value,
        });
      }
      size = actual.size;
      if ((await this.blobs.statGlobal(expected)) === null) {
        await this.driver.move(paths.uploadData(name, id), paths.blobData(expected));
      }
      await this.blobs.link(name, expected);
      await this.removeLocked(name, id);
      return { digest: expected, size };
    });
  }

  /** Cancel and remove a session. */
  cancel(name: string, id: string): Promise<void> {
    return this.lock.run(this.key(name, id), async () => {
      await this.status(name, id);
      await this.removeLocked(name, id);
    });
  }

  /** Upload a whole blob in one request (POST ?digest=). */
  async monolithic(name: string, expected: Digest, body: Readable): Promise<{ digest: Digest; size: number }> {
    const { id } = await this.start(name);
    return this.complete(name, id, expected, body);
  }

  private async appendLocked(name: string, id: string, body: Readable, range?: ChunkRange): Promise<UploadStatus> {
    const { size } = await this.status(name, id);
    if (range && range.start !== size) {
      body.resume();
      throw new RangeInvalidError(`chunk starts at ${range.start} but the upload holds ${size} bytes`, size);
    }
    const key = this.key(name, id);
    const live = this.live.get(key);
    // A stale hash (another process appended, or we restarted) is dropped: complete() rehashes.
    const hash = live && live.offset === size ? live.hash : undefined;
    this.live.delete(key);
    const writer = await this.driver.writer(paths.uploadData(name, id), true);
    const counter = new HashingTransform(hash ?? nullHash);
    // On failure, bytes that reached storage stay (the client may resume from the reported
    // Range); the hash was already taken out of `live`, so complete() will rehash them.
    await pipeline(body, counter, writer);
    await writer.commit();
    const newSize = size + counter.bytes;
    if (range && range.end - range.start + 1 !== counter.bytes) {
      throw new SizeInvalidError(`Content-Range declares ${range.end - range.start + 1} bytes, got ${counter.bytes}`);
    }
    if (hash) this.remember(key, { hash, offset: newSize });
    return { id, size: newSize };
  }

  private async digestOf(name: string, id: string, expected: Digest, size: number): Promise<{ digest: Digest; size: number }> {
    const key = this.key(name, id);
    const live = this.live.get(key);
    if (expected.algorithm === 'sha256' && live && live.offset === size) {
      this.live.delete(key);
      return { digest: toDigest(live.hash, 'sha256'), size };
    }
    return digestStream(await this.driver.reader(paths.uploadData(name, id)), expected.algorithm);
  }

  private async removeLocked(name: string, id: string): Promise<void> {
    this.live.delete(this.key(name, id));
    await deleteIfExists(this.driver, paths.uploadDir(name, id));
  }

  /** Keep a running hash; the oldest are forgotten first (abandoned uploads just rehash). */
  private remember(key: string, live: LiveHash): void {
    this.live.delete(key);
    this.live.set(key, live);
    if (this.live.size > MAX_LIVE_HASHES) this.live.delete(this.live.keys().next().value as string);
  }

  private checkId(id: string): void {
    if (!UUID_RE.test(id)) throw new BlobUploadUnknownError('blob upload unknown to registry', { id });
  }

  private key(name: string, id: string): string {
    return `${name}\u0000${id}`;
  }
}

/** A hash sink for appends whose running hash was lost; complete() rehashes those. */
const nullHash = { update: () => nullHash } as unknown as Hash;
