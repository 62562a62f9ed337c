/**
 * Where an upload's running sha256 lives between requests (config storage.hashstate):
 * - StoredHashes saves hash-wasm's state in storage after every chunk
 *   (`_uploads/<id>/hashstates/sha256/<offset>`, Distribution's place for it), so any process
 *   sharing the storage continues an upload without reading its bytes again;
 * - MemoryHashes keeps node:crypto's hash (about 5 times faster: SHA extensions) in this
 *   process; another process, or this one after a restart, rehashes the stored bytes.
 * Either way a missing state only costs a rehash, and the digest is always checked.
 */
import { createHash, type Hash } from 'node:crypto';
import { createSHA256, type IHasher } from 'hash-wasm';
import type { Readable } from 'node:stream';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { feedHash, type HashSink } from './hashing.js';
import * as paths from './paths.js';

/** A running sha256 an upload feeds. */
export interface RunningSha256 extends HashSink {
  /** The final digest, hex; the hash is finished afterwards. */
  hex(): string;
}

/** Keeps running hashes between the requests of an upload. */
export interface RunningHashes {
  /** The running hash of the first `size` bytes, or null when it is not at hand. */
  load(name: string, id: string, size: number): Promise<RunningSha256 | null>;
  /** Keep `hash`, which now covers `size` bytes (it covered `previous` before). */
  save(name: string, id: string, size: number, hash: RunningSha256, previous: number): Promise<void>;
  /** Forget what is kept for an upload that ended. */
  forget(name: string, id: string): void;
  /** A hash of `stream`'s bytes, for when load() had nothing. */
  rehash(stream: Readable): Promise<RunningSha256>;
}

/** hash-wasm's resumable SHA-256, saved in storage. */
export class StoredHashes implements RunningHashes {
  constructor(private readonly driver: StorageDriver) {}

  async load(name: string, id: string, size: number): Promise<RunningSha256 | null> {
    if (size === 0) return wasm(await createSHA256());
    let state: Buffer;
    try {
      state = await this.driver.getContent(paths.uploadHashState(name, id, 'sha256', size));
    } catch (err) {
      if (err instanceof PathNotFoundError) return null;
      throw err;
    }
    try {
      return wasm((await createSHA256()).load(state));
    } catch {
      return null; // not ours (Distribution writes Go's format) or damaged: the caller rehashes
    }
  }

  async save(name: string, id: string, size: number, hash: RunningSha256, previous: number): Promise<void> {
    // Bookkeeping: a state lost to a power cut costs a rehash of the stored bytes, no fsync needed.
    const state = Buffer.from((hash as WasmSha256).hasher.save());
    await this.driver.putContent(paths.uploadHashState(name, id, 'sha256', size), state, { durable: false });
    if (previous === size || previous === 0) return;
    await this.driver.delete(paths.uploadHashState(name, id, 'sha256', previous)).catch((err: unknown) => {
      if (!(err instanceof PathNotFoundError)) throw err;
    });
  }

  forget(): void {}

  async rehash(stream: Readable): Promise<RunningSha256> {
    return feed(wasm(await createSHA256()), stream);
  }
}

/** node:crypto's SHA-256, kept in this process (bounded). */
export class MemoryHashes implements RunningHashes {
  readonly #live = new Map<string, { size: number; hash: Hash }>();

  constructor(private readonly max = 10_000) {}

  async load(name: string, id: string, size: number): Promise<RunningSha256 | null> {
    if (size === 0) return crypto(createHash('sha256'));
    // Taken out while a request feeds it: a chunk that fails half-way must not leave a hash
    // that covers bytes the upload does not hold.
    const key = `${name}\u0000${id}`;
    const kept = this.#live.get(key);
    this.#live.delete(key);
    return kept !== undefined && kept.size === size ? crypto(kept.hash) : null;
  }

  async save(name: string, id: string, size: number, hash: RunningSha256): Promise<void> {
    if (this.#live.size >= this.max) this.#live.delete(this.#live.keys().next().value!);
    this.#live.set(`${name}\u0000${id}`, { size, hash: (hash as CryptoSha256).hash });
  }

  forget(name: string, id: string): void {
    this.#live.delete(`${name}\u0000${id}`);
  }

  rehash(stream: Readable): Promise<RunningSha256> {
    return feed(crypto(createHash('sha256')), stream);
  }
}

interface WasmSha256 extends RunningSha256 {
  hasher: IHasher;
}
interface CryptoSha256 extends RunningSha256 {
  hash: Hash;
}

const wasm = (hasher: IHasher): WasmSha256 => ({ hasher, update: (data) => hasher.update(data), hex: () => hasher.digest('hex') });
const crypto = (hash: Hash): CryptoSha256 => ({ hash, update: (data) => hash.update(data), hex: () => hash.digest('hex') });

async function feed<T extends RunningSha256>(hash: T, stream: Readable): Promise<T> {
  await feedHash(stream, hash);
  return hash;
}
