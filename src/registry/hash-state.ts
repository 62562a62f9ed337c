/**
 * Resumable sha256 for uploads: the running hash's state is saved in storage after every
 * chunk (`_uploads/<id>/hashstates/sha256/<offset>`, Distribution's place for it), so any
 * process sharing the storage continues an upload without reading its bytes again.
 * hash-wasm's SHA-256 can save and load its state, which node:crypto's cannot.
 */
import { createSHA256, type IHasher } from 'hash-wasm';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import * as paths from './paths.js';

/** A running sha256 that can be saved and resumed. */
export type ResumableHash = IHasher;

/** A fresh running sha256. */
export async function newResumableSha256(): Promise<ResumableHash> {
  return (await createSHA256()).init();
}

/** The sha256 state saved for the first `offset` bytes of an upload, or null when there is none. */
export async function loadSha256(driver: StorageDriver, name: string, id: string, offset: number): Promise<ResumableHash | null> {
  if (offset === 0) return newResumableSha256();
  let state: Buffer;
  try {
    state = await driver.getContent(paths.uploadHashState(name, id, 'sha256', offset));
  } catch (err) {
    if (err instanceof PathNotFoundError) return null;
    throw err;
  }
  const hash = await createSHA256();
  try {
    return hash.load(state);
  } catch {
    return null; // not ours (Distribution writes Go's format) or damaged: the caller rehashes
  }
}

/** Save the state for `offset` bytes, then drop the one for `previous` bytes. */
export async function saveSha256(
  driver: StorageDriver,
  name: string,
  id: string,
  offset: number,
  hash: ResumableHash,
  previous: number,
): Promise<void> {
  await driver.putContent(paths.uploadHashState(name, id, 'sha256', offset), Buffer.from(hash.save()));
  if (previous === offset || previous === 0) return;
  await driver.delete(paths.uploadHashState(name, id, 'sha256', previous)).catch((err: unknown) => {
    if (!(err instanceof PathNotFoundError)) throw err;
  });
}

/** Rebuild the running hash from stored bytes (no saved state at hand). */
export async function rehashSha256(stream: Readable): Promise<ResumableHash> {
  const hash = await newResumableSha256();
  await pipeline(stream, async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) hash.update(chunk);
  });
  return hash;
}
