/**
 * Holds an upload chunk to the length its Content-Range declares. Bytes past the declared
 * length are read and dropped, and the stream fails when the body ends with any other length:
 * so the failure comes after the request was read to its end (the connection stays usable for
 * the 400) and before the storage writer behind it sees an end (it commits nothing, and the
 * chunk is rolled back whole).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { SizeInvalidError } from './errors.js';

/** A pass-through stream that fails with SizeInvalidError unless exactly `declared` bytes pass. */
export class ExactLength extends Transform {
  #bytes = 0;

  constructor(private readonly declared: number) {
    super({ highWaterMark: 1 << 20 });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const room = this.declared - this.#bytes;
    this.#bytes += chunk.length;
    if (room <= 0) return cb();
    cb(null, chunk.length > room ? chunk.subarray(0, room) : chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (this.#bytes === this.declared) return cb();
    cb(new SizeInvalidError(`Content-Range declares ${this.declared} bytes, the body holds ${this.#bytes}`, { declared: this.declared }));
  }
}
