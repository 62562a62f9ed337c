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
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import type { BlobStore } from './blobs.js';
import { BlobUploadUnknownError, DigestInvalidError, RangeInvalidError, SizeInvalidError } from './errors.js';
import type { RunningHashes, RunningSha256 } from './hash-state.js';
import { digestStream, HashingTransform } from './hashing.js';
import { KeyedLock } from './keyed-lock.js';
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
  private readonly lock = new KeyedLock();

  constructor(
    private readonly driver: StorageDriver,
    private readonly blobs: BlobStore,
    private readonly hashes: RunningHashes,
  ) {}

  /** Open a new session. */
  async start(name: string): Promise<UploadStatus> {
    const id = randomUUID();
    // The data file comes with the first bytes; until then startedat says the upload exists.
    await this.driver.putContent(paths.uploadStartedAt(name, id), new Date().toISOString());
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
  append(name: string, id: string, body: Readable, range?: ChunkRange): Promise<UploadStatus> {
    return this.lock.run(this.key(name, id), async () => {
      const { size } = await this.appendLocked(name, id, body, range, true);
      return { id, size };
    });
  }

  /**
   * Finish the upload: append the optional last chunk, verify the digest, promote the data
   * to its content address and link it. On a digest mismatch the session is removed and
   * nothing is stored.
   */
  complete(name: string, id: string, expected: Digest, body?: Readable, range?: ChunkRange): Promise<{ digest: Digest; size: number }> {
    return this.lock.run(this.key(name, id), async () => {
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
      if ((await this.blobs.statGlobal(expected)) === null) {
        // An empty blob uploaded without a body has no data file yet.
        if (size === 0 && appended === undefined) await (await this.driver.writer(paths.uploadData(name, id), false)).commit();
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
    // On failure, bytes that reached storage may stay (the client may resume from the
    // reported Range); no hash state is saved for them, so the next step rehashes.
    await pipeline(body, counter, writer);
    await writer.commit();
    const newSize = size + counter.bytes;
    // Kept only once the bytes are committed: a state must never cover bytes not stored.
    if (keepHash) await this.hashes.save(name, id, newSize, hash, size);
    if (range && range.end - range.start + 1 !== counter.bytes) {
      throw new SizeInvalidError(`Content-Range declares ${range.end - range.start + 1} bytes, got ${counter.bytes}`);
    }
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
