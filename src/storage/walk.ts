/**
 * A generic depth-first walk built only on list() and stat(), so every backend (disk, memory,
 * later S3) shares one ordering and one 'skip' rule (Distribution's WalkFallback).
 */
import { PathNotFoundError } from './driver.js';
import type { FileInfo, StorageDriver } from './driver.js';

/** The callback walk() invokes for each entry; 'skip' stops descent into a directory. */
export type WalkFn = (info: FileInfo) => Promise<void | 'skip'> | void | 'skip';

/** Walk everything under `path` depth first, children in sorted order, via list() and stat(). */
export async function walkFallback(driver: Pick<StorageDriver, 'list' | 'stat'>, path: string, fn: WalkFn): Promise<void> {
  await walkDir(driver, path, fn, true);
}

async function walkDir(driver: Pick<StorageDriver, 'list' | 'stat'>, path: string, fn: WalkFn, top: boolean): Promise<void> {
  let children: string[];
  try {
    children = [...(await driver.list(path))];
  } catch (err) {
    // A subdirectory removed while we walk (GC racing an upload cleanup) is not an error;
    // only a missing starting point is.
    if (!top && err instanceof PathNotFoundError) return;
    throw err;
  }
  children.sort();
  for (const child of children) {
    let info: FileInfo;
    try {
      info = await driver.stat(child);
    } catch (err) {
      if (err instanceof PathNotFoundError) continue;
      throw err;
    }
    const verdict = await fn(info);
    if (info.isDir && verdict !== 'skip') await walkDir(driver, child, fn, false);
  }
}

/** Join a directory driver path and a child name ("/" is the root). */
export function childPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}
