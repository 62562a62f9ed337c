/**
 * How the filesystem driver makes writes durable (the contract in README "Durability"): a
 * file's bytes are fsynced before the rename that makes them visible, and the rename (and any
 * folder it needed) is made durable by fsyncing the folder that holds the new name.
 * Concurrent commits into one folder share its fsync (see ../rounds.ts). Tests pass their
 * own FsSync to check the order of the calls.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { Rounds } from '../rounds.js';

/** The two durability steps, injectable so a test can observe their order. */
export interface FsSync {
  /** Flush a file's bytes and size to stable storage. */
  file(handle: FileHandle, full: string): Promise<void>;
  /** Make the names in a folder (a rename, a new child folder) durable. */
  dir(full: string): Promise<void>;
}

/**
 * The real thing: fdatasync(2) on the file (its bytes and size; not its times, which nothing
 * reads), group-committed fsync(2) on folders.
 */
export function systemSync(): FsSync {
  const rounds = new Rounds(fsyncDir);
  return {
    file: (handle) => handle.datasync(),
    dir: (full) => rounds.run(full),
  };
}

/** fsync a directory: open it read-only, sync, close. */
async function fsyncDir(full: string): Promise<void> {
  const handle = await open(full, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Make the name `full` durable: fsync its folder, and the parents of every folder that
 * mkdir(recursive) just created (`created` is what mkdir returned: the topmost new folder).
 */
export async function syncName(sync: FsSync, full: string, created: string | undefined): Promise<void> {
  const dirs = [nodePath.dirname(full)];
  if (created !== undefined) {
    for (let dir = nodePath.dirname(full); dir.length >= created.length && dir !== nodePath.dirname(dir); dir = nodePath.dirname(dir)) {
      dirs.push(nodePath.dirname(dir));
      if (dir === created) break;
    }
  }
  // Independent folders: their fsyncs may run together.
  await Promise.all([...new Set(dirs)].map((d) => sync.dir(d)));
}
