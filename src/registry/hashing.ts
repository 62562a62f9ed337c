/** Hashing as bytes pass by, so content is digested without a second read. */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Algorithm, Digest } from './reference.js';

/** A new hash for a digest algorithm. */
export const newHash = (algorithm: Algorithm): Hash => createHash(algorithm);

/** The digest of a buffer. */
export function digestOf(data: Buffer | string, algorithm: Algorithm = 'sha256'): Digest {
  const hex = createHash(algorithm).update(data).digest('hex');
  return { algorithm, hex, value: `${algorithm}:${hex}` };
}

/** Turn a finished hash into a Digest. */
export function toDigest(hash: Hash, algorithm: Algorithm): Digest {
  const hex = hash.digest('hex');
  return { algorithm, hex, value: `${algorithm}:${hex}` };
}

/** Anything a chunk can be fed into (node:crypto's Hash, hash-wasm's resumable hashers). */
export interface HashSink {
  update(data: Buffer): unknown;
}

/** A pass-through stream that feeds every chunk into `hash` and counts bytes. */
export class HashingTransform extends Transform {
  bytes = 0;
  constructor(private readonly hash: HashSink) {
    super({ highWaterMark: 1 << 20 });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

/** Feed a whole stream into `hash`; the number of bytes it held. */
export async function feedHash(stream: Readable, hash: HashSink): Promise<number> {
  let size = 0;
  await pipeline(stream, async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.length;
    }
  });
  return size;
}

/** Digest a whole stream (used when no live hash state is at hand). */
export async function digestStream(stream: Readable, algorithm: Algorithm): Promise<{ digest: Digest; size: number }> {
  const hash = newHash(algorithm);
  const size = await feedHash(stream, hash);
  return { digest: toDigest(hash, algorithm), size };
}
