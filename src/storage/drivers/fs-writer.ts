/**
 * The filesystem FileWriter: a real Writable over an fs FileHandle, so stream.pipeline()
 * gets backpressure for free and a multi-GiB upload never sits in memory.
 */
import { open, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FileWriter } from '../driver.js';
import { fsError } from './fs-errors.js';
import type { FsSync } from './fs-sync.js';

// Large enough that pipeline() hands us big batches (fewer syscalls via writev),
// small enough that a slow disk holds back the client after ~1 MiB.
const HIGH_WATER_MARK = 1 << 20;

/** A streaming writer to one file on disk; see FileWriter for the commit/cancel contract. */
export class FsFileWriter extends Writable implements FileWriter {
  #handle: FileHandle | null;
  #size: number;
  /** Bytes the file held when the writer was opened (what rollback() keeps). */
  readonly #existing: number;

  /**
   * @param file absolute OS path being written
   * @param driverPath the driver path, for error messages
   * @param handle an open handle (append or truncate mode already chosen)
   * @param existing bytes already in the file when appending
   * @param sync how the bytes are made durable at commit
   */
  constructor(
    private readonly file: string,
    private readonly driverPath: string,
    handle: FileHandle,
    existing: number,
    private readonly sync: FsSync,
  ) {
    super({ highWaterMark: HIGH_WATER_MARK, decodeStrings: true });
    this.#handle = handle;
    this.#size = existing;
    this.#existing = existing;
  }

  /** Bytes in the file: pre-existing ones plus those written so far. */
  get size(): number {
    return this.#size;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.#writeAll([chunk]).then(
      () => callback(),
      (err) => callback(fsError(err, this.driverPath)),
    );
  }

  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, callback: (err?: Error | null) => void): void {
    const buffers = chunks.map((c) => c.chunk);
    this.#writeAll(buffers).then(
      () => callback(),
      (err) => callback(fsError(err, this.driverPath)),
    );
  }

  // fsync before 'finish', so a finished writer means durable bytes.
  override _final(callback: (err?: Error | null) => void): void {
    const handle = this.#handle;
    if (!handle) return callback();
    this.sync.file(handle, this.file).then(
      () => callback(),
      (err) => callback(fsError(err, this.driverPath)),
    );
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    const handle = this.#handle;
    this.#handle = null;
    if (!handle) return callback(err);
    handle.close().then(
      () => callback(err),
      (closeErr) => callback(err ?? fsError(closeErr, this.driverPath)),
    );
  }

  /** End the stream (if the pipeline has not already), fsync, close. */
  async commit(): Promise<void> {
    if (!this.writableEnded) this.end();
    // Rejects with the stream's error if a write or the fsync failed.
    await finished(this);
    await closed(this);
  }

  /** Close the handle and remove the file; safe after an error or a commit. */
  async cancel(): Promise<void> {
    this.destroy();
    await closed(this);
    try {
      await rm(this.file, { force: true });
    } catch (err) {
      throw fsError(err, this.driverPath);
    }
  }

  /** Close the handle and cut the file back to its length when opened (remove it if that was 0). */
  async rollback(): Promise<void> {
    this.destroy();
    await closed(this);
    try {
      if (this.#existing === 0) return void (await rm(this.file, { force: true }));
      const handle = await open(this.file, 'r+');
      try {
        await handle.truncate(this.#existing);
        // Durable like a commit: after a crash the file must not hold the rejected bytes.
        await this.sync.file(handle, this.file);
      } finally {
        await handle.close();
      }
    } catch (err) {
      throw fsError(err, this.driverPath);
    }
  }

  // A positional-less write on a handle opened with 'a' or 'w' continues at the end,
  // so no offset bookkeeping is needed; loop in case the kernel writes partially.
  async #writeAll(buffers: Buffer[]): Promise<void> {
    const handle = this.#handle;
    if (!handle) throw new Error('writer is closed');
    const total = buffers.reduce((n, b) => n + b.length, 0);
    let written = (await handle.writev(buffers)).bytesWritten;
    this.#size += written;
    if (written === total) return;
    const rest = Buffer.concat(buffers, total);
    while (written < total) {
      const { bytesWritten } = await handle.write(rest, written, total - written);
      written += bytesWritten;
      this.#size += bytesWritten;
    }
  }
}

/** Resolve once the stream has emitted 'close' (immediately if it already has). */
function closed(stream: Writable): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => stream.once('close', () => resolve()));
}
