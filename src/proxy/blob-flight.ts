/**
 * One upstream download of a blob. A single stream feeds the cache writer and, through a
 * tee, the one client that started it; the cache write carries on if that client goes away.
 * The bytes are staged under the repository's _uploads folder, hashed as they pass, and
 * moved into content-addressed storage only once digest and size are verified.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { BlobStore } from '../registry/blobs.js';
import { DigestInvalidError } from '../registry/errors.js';
import { newHash, toDigest } from '../registry/hashing.js';
import { deleteIfExists } from '../registry/links.js';
import * as paths from '../registry/paths.js';
import type { Digest } from '../registry/reference.js';
import type { StorageDriver } from '../storage/driver.js';

/** How long the download waits for its starting client to claim the live stream. */
const CLAIM_GRACE_MS = 1000;

/** An upstream blob download in progress. */
export class BlobFlight {
  /** Resolves once the blob is verified and stored; rejects when the download failed. */
  readonly done: Promise<void>;
  private live: PassThrough | null = new PassThrough({ highWaterMark: 1 << 20 });
  /** The claimed live stream, fed by the download. */
  private tap: PassThrough | null = null;
  private started = false;
  private claimed!: () => void;

  /**
   * @param res the upstream's 200 response for the blob
   * @param size its Content-Length
   * @param onBytes counts bytes received (stats)
   * @param idleMs abort when the upstream sends nothing for this long
   */
  constructor(
    private readonly driver: StorageDriver,
    private readonly blobs: BlobStore,
    private readonly name: string,
    private readonly digest: Digest,
    res: Response,
    readonly size: number,
    onBytes: (n: number) => void,
    private readonly idleMs: number,
  ) {
    const claim = new Promise<void>((resolve) => (this.claimed = resolve));
    this.done = Promise.race([claim, delay(CLAIM_GRACE_MS)]).then(() => this.download(res, onBytes));
    // Waiters see failures through `done`; this only keeps an unobserved failure quiet.
    this.done.catch(() => undefined);
  }

  /** The live stream, for the client that started the download (null once bytes flowed). */
  claim(): Readable | null {
    if (this.started || !this.live) return null;
    const live = this.live;
    this.tap = live;
    // Only one client gets the live stream; the others wait for the stored blob.
    this.live = null;
    this.claimed();
    return live;
  }

  private async download(res: Response, onBytes: (n: number) => void): Promise<void> {
    this.started = true;
    const live = this.tap;
    this.live = null;
    const id = randomUUID();
    const staging = paths.uploadData(this.name, id);
    const hash = newHash(this.digest.algorithm);
    let bytes = 0;
    const source = res.body ? Readable.fromWeb(res.body as WebReadableStream<Uint8Array>) : null;
    // A stalled upstream must not hold the download (and its waiters) forever.
    const idle = setTimeout(() => source?.destroy(new Error(`upstream sent nothing for ${this.idleMs} ms`)), this.idleMs);
    const { digest: expected, size } = this;
    let held: Buffer | null = null;
    let actual: Digest | null = null;
    // A slow client slows the download (backpressure); a gone client is simply dropped.
    const toClient = (chunk: Buffer, cb: () => void): void => {
      if (!live || live.destroyed || live.write(chunk)) return cb();
      const go = (): void => {
        live.off('drain', go).off('close', go);
        cb();
      };
      live.on('drain', go).on('close', go);
    };
    const endClient = (): void => void (live && !live.destroyed && live.end());
    const tee = new Transform({
      highWaterMark: 1 << 20,
      transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
        idle.refresh();
        hash.update(chunk);
        bytes += chunk.length;
        onBytes(chunk.length);
        // The client is one chunk behind: see flush().
        const prev = held;
        held = chunk;
        if (!prev) return cb(null, chunk);
        toClient(prev, () => cb(null, chunk));
      },
      // The last chunk reaches the client only once the whole blob is verified, so a corrupt
      // download ends truncated (the client sees a short body), never complete and wrong.
      flush(cb: TransformCallback) {
        actual = toDigest(hash, expected.algorithm);
        if (actual.value !== expected.value || bytes !== size || !held) return cb();
        toClient(held, () => {
          endClient();
          cb();
        });
      },
    });
    try {
      if (!source) throw new Error('upstream sent no body');
      const writer = await this.driver.writer(staging, false);
      try {
        await pipeline(source, tee, writer);
        await writer.commit();
      } catch (err) {
        await writer.cancel().catch(() => undefined);
        throw err;
      }
      const got = actual as Digest | null;
      if (got?.value !== this.digest.value || bytes !== this.size) {
        throw new DigestInvalidError('upstream blob does not match its digest', {
          expected: this.digest.value,
          actual: got?.value,
          size: bytes,
        });
      }
      endClient();
      if ((await this.blobs.statGlobal(this.digest)) === null) await this.driver.move(staging, paths.blobData(this.digest));
      await this.blobs.link(this.name, this.digest);
    } catch (err) {
      if (live && !live.writableFinished) live.destroy(err as Error);
      throw err;
    } finally {
      clearTimeout(idle);
      await deleteIfExists(this.driver, paths.uploadDir(this.name, id)).catch(() => undefined);
    }
  }
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());
