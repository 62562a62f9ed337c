/**
 * The filesystem driver's probe, run before serving and by /readyz: the root directory exists
 * (a missing root is created only when its parent exists, so `./data` appears on first start
 * but a typo in a deeper path does not quietly become a new empty registry) and this process
 * can create and remove a file in it. Any failure is one line naming the folder and the reason.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { StorageUnavailableError } from '../driver.js';

/** Check that `root` is a writable directory (creating it when only its last segment is missing). */
export async function checkRoot(root: string): Promise<void> {
  const fail = (why: string, cause?: unknown): never => {
    throw new StorageUnavailableError(`storage filesystem: ${root}: ${why}`, { cause });
  };
  try {
    const info = await stat(root);
    if (!info.isDirectory()) fail('not a directory');
  } catch (err) {
    if (err instanceof StorageUnavailableError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') fail(`cannot be read (${code ?? String(err)})`, err);
    try {
      await mkdir(root);
    } catch (mkErr) {
      const mkCode = (mkErr as NodeJS.ErrnoException).code;
      if (mkCode === 'ENOENT')
        fail(`does not exist, nor does its parent ${nodePath.dirname(root)} (a typo in storage.filesystem.rootdirectory?)`);
      if (mkCode !== 'EEXIST') fail(`does not exist and cannot be created (${mkCode ?? String(mkErr)})`, mkErr);
    }
  }
  const probe = nodePath.join(root, `.tmp-probe-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(probe, 'wx');
    await handle.close();
    await rm(probe, { force: true });
  } catch (err) {
    fail(await whyNotWritable(root, err), err);
  }
}

async function whyNotWritable(root: string, err: unknown): Promise<string> {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EROFS') return 'is on a read-only file system';
  if (code === 'ENOSPC') return 'has no space left';
  if (code !== 'EACCES' && code !== 'EPERM') return `cannot be written (${code ?? String(err)})`;
  const uid = process.getuid?.() ?? -1;
  try {
    const info = await stat(root);
    const mode = (info.mode & 0o777).toString(8);
    return `is not writable by this process (uid ${uid}); it belongs to uid ${info.uid}, mode ${mode}: chown it to uid ${uid} or run as its owner`;
  } catch {
    return `is not writable by this process (uid ${uid})`;
  }
}
