/**
 * Blob uploads: staged under the repository's _uploads folder, hashed as bytes arrive,
 * verified, then promoted into content-addressed storage and linked. All state lives in
 * storage (the bytes, the start time, the running sha256's saved state), so an upload
 * survives a restart or moves to another process sharing the storage. A missing hash state
 * (an append that failed half-way on disk, a crash between two writes) is rebuilt from the
 * stored bytes.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EventBus } from '../events/bus.js';
import type { Origin } from '../events/events.js';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import type { BlobStore } from './blobs.js';
import { BlobUploadUnknownError, DigestInvalidError, RangeInvalidError } from './errors.js';
import { WriteGuards } from './guards.js';
import type { RunningHashes, RunningSha256 } from './hash-state.js';
import { ExactLength } from './chunk-length.js';
import { digestStream, HashingTransform } from './hashing.js';
import { KeyedLock, type Locks } from './keyed-lock.js';
import { deleteIfExists } from './links.js';
import * as paths from './paths.js';
import type { Digest } from './reference.js';

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

/** Upload sessions over the storage driver. */
export class UploadService {
  /** One writer per upload: this process's lock, or the cluster's under http.workers (createRegistry sets it). */
  lock: Locks = new KeyedLock();
  /** Asked before every step of a client's upload (createRegistry sets the registry's). */
  guards = new WriteGuards();

  constructor(
    private readonly driver: StorageDriver,
    private readonly blobs: BlobStore,
    private readonly hashes: RunningHashes,
    private readonly events: EventBus,
  ) {}

  /** Open a new session. */
  async start(name: string, origin?: Origin): Promise<UploadStatus> {
    await this.guards.check({ action: 'upload', repository: name, origin });
    const id = randomUUID();
    // The data file comes with the first bytes; until then startedat says the upload exists.
    await this.driver.putContent(paths.uploadStartedAt(name, id), new Date().toISOString(), { durable: false });
    return { id, size: 0 };
  }

  /** Current size of a session; BlobUploadUnknownError when there is none. */
  async status(name: string, id: string): Promise<UploadStatus> {
    this.checkId(id);
    try {
      const info = await this.driver.stat(paths.uploadData(name, id));
      return { id, size: info.size };
    } catch (err) {
      if (!(err instanceof PathNotFoundError)) throw err;
    }
    try {
      await this.driver.stat(paths.uploadStartedAt(name, id));
      return { id, size: 0 };
    } catch (err) {
      if (err instanceof PathNotFoundError) throw new BlobUploadUnknownError('blob upload unknown to registry', { id });
      throw err;
    }
  }

  /** Append a streamed chunk; with `range`, it must start exactly where the upload ends. */
  append(name: string, id: string, body: Readable, range?: ChunkRange, origin?: Origin): Promise<UploadStatus> {
    return this.lock.run(this.key(name, id), async () => {
      await this.guards.check({ action: 'upload', repository: name, origin });
      const { size } = await this.appendLocked(name, id, body, range, true);
      return { id, size };
    });
  }

  /**
   * Finish the upload: append the optional last chunk, verify the digest, promote the data
   * to its content address and link it. On a digest mismatch the session is removed and
   * nothing is stored.
   */
  complete(
    name: string,
    id: string,
    expected: Digest,
    body?: Readable,
    range?: ChunkRange,
    origin?: Origin,
  ): Promise<{ digest: Digest; size: number }> {
    return this.lock.run(this.key(name, id), async () => {
      await this.guards.check({ action: 'blob.push', repository: name, digest: expected.value, origin });
      // No state is kept for a last chunk: the upload ends here (a failure after it rehashes).
      const appended = body ? await this.appendLocked(name, id, body, range, false) : undefined;
      let size = appended?.size ?? (await this.status(name, id)).size;
      const actual = await this.digestOf(name, id, expected, size, appended?.hash);
      if (actual.digest.value !== expected.value) {
        await this.removeLocked(name, id);
        throw new DigestInvalidError('provided digest did not match uploaded content', {
          expected: expected.value,
          actual: actual.digest.value,
        });
      }
      size = actual.size;
      const total = size;
      // Pinned from the look to the link: a collector run never deletes the blob in between.
      await this.blobs.pins.with([expected.value], async () => {
        if ((await this.blobs.statGlobal(expected)) === null) {
          // An empty blob uploaded without a body has no data file yet.
          if (total === 0 && appended === undefined) await (await this.driver.writer(paths.uploadData(name, id), false)).commit();
          await this.driver.move(paths.uploadData(name, id), paths.blobData(expected));
        }
        await this.blobs.link(name, expected);
      });
      await this.removeLocked(name, id);
      this.events.emit('blob.pushed', { repository: name, digest: expected.value, size }, origin);
      return { digest: expected, size };
    });
  }

  /** Cancel and remove a session. */
  cancel(name: string, id: string, origin?: Origin): Promise<void> {
    return this.lock.run(this.key(name, id), async () => {
      await this.guards.check({ action: 'upload.cancel', repository: name, origin });
      await this.status(name, id);
      await this.removeLocked(name, id);
    });
  }

  /** Upload a whole blob in one request (POST ?digest=). */
  async monolithic(name: string, expected: Digest, body: Readable, origin?: Origin): Promise<{ digest: Digest; size: number }> {
    const { id } = await this.start(name, origin);
    return this.complete(name, id, expected, body, undefined, origin);
  }

  private async appendLocked(
    name: string,
    id: string,
    body: Readable,
    range: ChunkRange | undefined,
    keepHash: boolean,
  ): Promise<UploadStatus & { hash: RunningSha256 }> {
    const { size } = await this.status(name, id);
    if (range && range.start !== size) {
      body.resume();
      throw new RangeInvalidError(`chunk starts at ${range.start} but the upload holds ${size} bytes`, size);
    }
    const hash = await this.runningHash(name, id, size);
    const writer = await this.driver.writer(paths.uploadData(name, id), size > 0);
    const counter = new HashingTransform(hash);
    // A chunk is stored whole or not at all: one that fails (a body that disagrees with its
    // Content-Range, a client gone half-way, storage refusing) leaves the upload as it was,
    // and the hash it fed is dropped with it (nothing saved, MemoryHashes gave it away).
    try {
      const stages = range ? [new ExactLength(range.end - range.start + 1), counter] : [counter];
      await pipeline([body, ...stages, writer]);
      await writer.commit();
    } catch (err) {
      body.resume();
      // If storage cannot even roll back, the chunk's own error (503 most likely) is the answer.
      await writer.rollback().catch(() => undefined);
      throw err;
    }
    const newSize = size + counter.bytes;
    // Kept only once the bytes are committed: a state must never cover bytes not stored.
    if (keepHash) await this.hashes.save(name, id, newSize, hash, size);
    return { id, size: newSize, hash };
  }

  private async digestOf(
    name: string,
    id: string,
    expected: Digest,
    size: number,
    hash?: RunningSha256,
  ): Promise<{ digest: Digest; size: number }> {
    if (expected.algorithm !== 'sha256') return digestStream(await this.uploadReader(name, id, size), expected.algorithm);
    const hex = (hash ?? (await this.runningHash(name, id, size))).hex();
    return { digest: { algorithm: 'sha256', hex, value: `sha256:${hex}` }, size };
  }

  /** The sha256 of the first `size` bytes: from its saved state, else from the bytes. */
  private async runningHash(name: string, id: string, size: number): Promise<RunningSha256> {
    return (await this.hashes.load(name, id, size)) ?? this.hashes.rehash(await this.uploadReader(name, id, size));
  }

  // The bytes received so far (none yet: no data file).
  private async uploadReader(name: string, id: string, size: number): Promise<Readable> {
    return size === 0 ? Readable.from([]) : this.driver.reader(paths.uploadData(name, id), 0, size - 1);
  }

  private async removeLocked(name: string, id: string): Promise<void> {
    this.hashes.forget(name, id);
    await deleteIfExists(this.driver, paths.uploadDir(name, id));
  }

  private checkId(id: string): void {
    if (!UUID_RE.test(id)) throw new BlobUploadUnknownError('blob upload unknown to registry', { id });
  }

  private key(name: string, id: string): string {
    return `${name}\u0000${id}`;
  }
}
