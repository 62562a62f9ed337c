/**
 * A Readable over a file descriptor that reads into pooled buffers (see ../buffer-pool.ts),
 * from `start` to `end` inclusive, and closes the descriptor when it ends or is destroyed.
 */
import { close, read } from 'node:fs';
import { Readable } from 'node:stream';
import type { BufferPool } from '../buffer-pool.js';

/** Stream bytes [start, end] of `fd`, `chunk` bytes per read. */
export class FdReadStream extends Readable {
  #pos: number;

  constructor(
    private readonly fd: number,
    start: number,
    private readonly end: number,
    private readonly chunk: number,
    private readonly pool: BufferPool,
  ) {
    super({ highWaterMark: chunk });
    this.#pos = start;
  }

  override _read(): void {
    const want = Math.min(this.chunk, this.end - this.#pos + 1);
    if (want <= 0) {
      this.push(null);
      return;
    }
    const buf = this.pool.acquire(want);
    read(this.fd, buf, 0, want, this.#pos, (err, n) => {
      if (err) {
        this.pool.release(buf);
        this.destroy(err);
        return;
      }
      if (n === 0) {
        // The file is shorter than its size said: end here rather than loop.
        this.pool.release(buf);
        this.destroy(new Error(`unexpected end of file at offset ${this.#pos}`));
        return;
      }
      this.#pos += n;
      this.push(buf.subarray(0, n));
    });
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    close(this.fd, () => callback(err));
  }
}
