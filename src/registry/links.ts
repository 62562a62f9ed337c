/** Link files: small files holding a digest, as Distribution writes them. */
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { parseDigest, type Digest } from './reference.js';

/** Read a link; null when it does not exist. A corrupt link is treated as absent. */
export async function readLink(driver: StorageDriver, path: string): Promise<Digest | null> {
  try {
    const content = await driver.getContent(path);
    // The storage cache returns the same Buffer for a link it holds: parse it once.
    let digest = parsedLinks.get(content);
    if (digest === undefined) {
      digest = parseDigest(content.toString('utf8').trim());
      parsedLinks.set(content, digest);
    }
    return digest;
  } catch (err) {
    if (err instanceof PathNotFoundError) return null;
    if (err instanceof Error && err.name === 'DigestInvalidError') return null;
    throw err;
  }
}

const parsedLinks = new WeakMap<Buffer, Digest>();

/** Write a link atomically. */
export function writeLink(driver: StorageDriver, path: string, digest: Digest): Promise<void> {
  return driver.putContent(path, digest.value);
}

/** Delete a path, ignoring absence; true when something was deleted. */
export async function deleteIfExists(driver: StorageDriver, path: string): Promise<boolean> {
  try {
    await driver.delete(path);
    return true;
  } catch (err) {
    if (err instanceof PathNotFoundError) return false;
    throw err;
  }
}

/** List a folder's children, empty when it does not exist. */
export async function listOrEmpty(driver: StorageDriver, path: string): Promise<readonly string[]> {
  try {
    return await driver.list(path);
  } catch (err) {
    if (err instanceof PathNotFoundError) return [];
    throw err;
  }
}

/** The last segment of a driver path. */
export const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
