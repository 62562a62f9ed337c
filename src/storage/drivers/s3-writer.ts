/**
 * The S3 FileWriter. Bytes are cut into parts of `chunksize` and uploaded as they arrive (a
 * few parts in flight, so memory stays bounded). commit() does not complete the multipart
 * upload: it stores what is left under 5 MiB as a tail object and records the state beside
 * the file, so a later writer, in this or another process, continues the same upload. Reads
 * and move() complete it (see s3-multipart.ts).
 */
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FileWriter } from '../driver.js';
import { isNotImplemented, MIN_PART, type S3Context } from './s3-client.js';
import { copyIntoParts, openObject } from './s3-copy.js';
import {
  abortUpload,
  createUpload,
  deleteKeys,
  discard,
  getBuffer,
  headObject,
  loadState,
  newTailKey,
  putBuffer,
  saveState,
  stateKey,
  uploadPart,
  type Part,
} from './s3-multipart.js';

// Parts uploading at once per writer: enough to overlap receiving and sending.
const MAX_IN_FLIGHT = 2;

/** Where a writer starts: the open upload (if any), its parts, and the bytes before the writer. */
interface Start {
  uploadId?: string;
  parts: Part[];
  size: number;
  pending: Buffer | null;
  oldTail?: string;
  /** A plain object at the key that this writer's state will supersede. */
  replacesPlain: boolean;
}

/** A streaming writer to one S3 key; see FileWriter for the commit/cancel contract. */
export class S3FileWriter extends Writable implements FileWriter {
  #uploadId: string | undefined;
  #createdUpload = false;
  #parts: Part[];
  #nextPart: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #size: number;
  #inFlight = new Set<Promise<void>>();
  #failure: unknown = null;
  #committed = false;
  #creating: Promise<string> | undefined;

  private constructor(
    private readonly ctx: S3Context,
    private readonly key: string,
    private readonly start: Start,
  ) {
    super({ highWaterMark: 1 << 20, decodeStrings: true });
    this.#uploadId = start.uploadId;
    this.#parts = [...start.parts];
    this.#nextPart = start.parts.length + 1;
    this.#size = start.size - (start.pending?.length ?? 0);
    if (start.pending?.length) this.#absorb(start.pending);
  }

  /** Open `key` for writing; `append` continues a plain object or an open upload. */
  static async open(ctx: S3Context, key: string, append: boolean): Promise<S3FileWriter> {
    const [plainSize, state] = await Promise.all([append ? headObject(ctx, key).then((h) => h?.size ?? null) : null, loadState(ctx, key)]);
    // A plain object wins over a state beside it; truncation drops the state too.
    if (state && (!append || plainSize !== null)) await discard(ctx, key, state);
    if (append && plainSize === null && state) {
      const pending = state.tail ? await getBuffer(ctx, state.tail) : null;
      if (state.tail && pending === null) throw new Error(`tail object of ${key} is missing`);
      return new S3FileWriter(ctx, key, { ...state, pending, oldTail: state.tail, replacesPlain: false });
    }
    if (!append || plainSize === null || plainSize === 0) {
      return new S3FileWriter(ctx, key, { parts: [], size: 0, pending: null, replacesPlain: true });
    }
    if (plainSize < MIN_PART) {
      const pending = await getBuffer(ctx, key);
      return new S3FileWriter(ctx, key, { parts: [], size: plainSize, pending, replacesPlain: true });
    }
    return S3FileWriter.#continuePlain(ctx, key, plainSize);
  }

  // The existing object becomes the first part(s): copied server-side, or streamed through.
  static async #continuePlain(ctx: S3Context, key: string, size: number): Promise<S3FileWriter> {
    const uploadId = await createUpload(ctx, key);
    try {
      const parts = await copyIntoParts(ctx, key, key, uploadId, size, 1);
      const w = new S3FileWriter(ctx, key, { uploadId, parts, size, pending: null, replacesPlain: true });
      w.#createdUpload = true;
      return w;
    } catch (err) {
      if (!isNotImplemented(err)) {
        await abortUpload(ctx, key, uploadId).catch(() => undefined);
        throw err;
      }
    }
    const w = new S3FileWriter(ctx, key, { uploadId, parts: [], size: 0, pending: null, replacesPlain: true });
    w.#createdUpload = true;
    for await (const chunk of await openObject(ctx, key)) {
      w.#absorb(chunk as Buffer);
      await w.#drain(MAX_IN_FLIGHT);
    }
    return w;
  }

  /** Bytes in the file: pre-existing ones plus those written so far. */
  get size(): number {
    return this.#size;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.#absorb(chunk);
    this.#drain(MAX_IN_FLIGHT).then(() => callback(), callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.#finish().then(() => callback(), callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    // A failed stream leaves no upload of its own behind; one it continued keeps its state.
    if (err && !this.#committed) {
      void this.#settle().then(async () => {
        if (this.#createdUpload && this.#uploadId) await abortUpload(this.ctx, this.key, this.#uploadId).catch(() => undefined);
      });
    }
    callback(err);
  }

  /** End the stream if needed and wait until the parts and the state are stored. */
  async commit(): Promise<void> {
    if (!this.writableEnded) this.end();
    await finished(this);
  }

  /** Abort the upload and remove the file with its sidecars. */
  async cancel(): Promise<void> {
    this.destroy();
    await this.#settle();
    if (this.#uploadId) await abortUpload(this.ctx, this.key, this.#uploadId);
    const keys = [this.key, stateKey(this.key)];
    if (this.start.oldTail) keys.push(this.start.oldTail);
    await deleteKeys(this.ctx, keys);
  }

  /**
   * Stop, and leave the file as it was: nothing this writer sent is recorded until commit, so
   * only a multipart upload it created itself is aborted (a continued upload's state and tail,
   * or a plain object, are untouched; parts it added past the state are overwritten later).
   */
  async rollback(): Promise<void> {
    if (this.#committed) throw new Error(`rollback of ${this.key} after commit`);
    this.destroy();
    await this.#settle();
    if (this.#createdUpload && this.#uploadId) await abortUpload(this.ctx, this.key, this.#uploadId);
  }

  #absorb(chunk: Buffer): void {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    this.#size += chunk.length;
    while (this.#pendingBytes >= this.ctx.chunkSize) {
      const all = Buffer.concat(this.#pending, this.#pendingBytes);
      this.#send(all.subarray(0, this.ctx.chunkSize));
      const rest = all.subarray(this.ctx.chunkSize);
      this.#pending = rest.length ? [Buffer.from(rest)] : [];
      this.#pendingBytes = rest.length;
    }
  }

  #send(body: Buffer): void {
    const n = this.#nextPart++;
    const task = this.#ensureUpload()
      .then(async (uploadId) => {
        this.#parts.push(await uploadPart(this.ctx, this.key, uploadId, n, body));
      })
      .catch((err: unknown) => {
        this.#failure ??= err;
      });
    this.#inFlight.add(task);
    void task.finally(() => this.#inFlight.delete(task));
  }

  // The multipart upload is created by the first part that needs it, once.
  #ensureUpload(): Promise<string> {
    if (this.#uploadId !== undefined) return Promise.resolve(this.#uploadId);
    this.#creating ??= createUpload(this.ctx, this.key).then((id) => {
      this.#uploadId = id;
      this.#createdUpload = true;
      return id;
    });
    return this.#creating;
  }

  // Wait until at most `limit` parts are in flight; rethrow the first failure.
  async #drain(limit: number): Promise<void> {
    while (this.#inFlight.size > limit) await Promise.race(this.#inFlight);
    if (this.#failure) throw this.#failure;
  }

  async #settle(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  async #finish(): Promise<void> {
    await this.#drain(0);
    const rest = Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    if (this.#uploadId === undefined && rest.length < this.ctx.chunkSize) {
      // Small enough for one PUT: the file is a plain object straight away.
      await putBuffer(this.ctx, this.key, rest);
      this.#committed = true;
      return;
    }
    let tail: string | undefined;
    if (rest.length >= MIN_PART) {
      this.#send(rest);
      await this.#drain(0);
    } else if (rest.length > 0) {
      tail = newTailKey(this.key);
      await putBuffer(this.ctx, tail, rest);
    }
    const parts = [...this.#parts].sort((a, b) => a.n - b.n);
    await saveState(this.ctx, this.key, { uploadId: this.#uploadId!, parts, size: this.#size, tail });
    this.#committed = true;
    const stale = [this.start.oldTail, this.start.replacesPlain ? this.key : undefined].filter((k): k is string => k !== undefined);
    if (stale.length) await deleteKeys(this.ctx, stale);
  }
}
