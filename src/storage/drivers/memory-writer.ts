/** The in-memory FileWriter: appends chunks straight into a MemFile node. */
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FileWriter } from '../driver.js';
import { contentOf, type MemFile } from './memory-tree.js';

/** A streaming writer into one in-memory file; `remove` detaches the file on cancel. */
export class MemoryFileWriter extends Writable implements FileWriter {
  /** Bytes the file held when the writer was opened (what rollback() keeps). */
  readonly #existing: number;

  constructor(
    private readonly file: MemFile,
    private readonly remove: () => void,
  ) {
    super({ decodeStrings: true });
    this.#existing = file.size;
  }

  /** Bytes in the file: pre-existing ones plus those written so far. */
  get size(): number {
    return this.file.size;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    // Copy: the producer owns its buffer and may reuse it after the callback.
    this.file.chunks.push(Buffer.from(chunk));
    this.file.size += chunk.length;
    this.file.modTime = new Date();
    callback();
  }

  /** End the stream if needed and wait until it has finished. */
  async commit(): Promise<void> {
    if (!this.writableEnded) this.end();
    await finished(this);
  }

  /** Stop writing and remove the file from the tree. */
  async cancel(): Promise<void> {
    this.destroy();
    this.remove();
  }

  /** Stop writing and cut the file back to what it held when opened (remove it if it was empty). */
  async rollback(): Promise<void> {
    this.destroy();
    if (this.#existing === 0) return this.remove();
    this.file.chunks = [Buffer.from(contentOf(this.file).subarray(0, this.#existing))];
    this.file.size = this.#existing;
    this.file.modTime = new Date();
  }
}
