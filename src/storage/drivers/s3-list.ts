/**
 * Listing on S3 through paginated ListObjectsV2: one page (at most 1000 keys) in memory at a
 * time, whatever the size of the bucket. S3 has no directories; a "directory" is a key prefix.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { _Object } from '@aws-sdk/client-s3';
import { PathNotFoundError } from '../driver.js';
import type { FileInfo } from '../driver.js';
import type { WalkFn } from '../walk.js';
import { dirPrefix, keyOf, pathOf, type S3Context } from './s3-client.js';
import { fileKeyOf, loadState } from './s3-multipart.js';

/** One ListObjectsV2 page. */
interface Page {
  keys: _Object[];
  /** More keys follow this page. */
  truncated: boolean;
}

/**
 * Every page of keys under `prefix`, in byte order. `onPage` may return a key to restart the
 * listing after it (skipping a subtree) instead of continuing with the next page.
 */
export async function forEachPage(
  ctx: S3Context,
  prefix: string,
  onPage: (page: Page) => Promise<string | void> | string | void,
  options: { maxKeys?: number; once?: boolean } = {},
): Promise<void> {
  let token: string | undefined;
  let startAfter: string | undefined;
  for (;;) {
    const out = await ctx.client.send(
      new ListObjectsV2Command({
        Bucket: ctx.bucket,
        Prefix: prefix,
        MaxKeys: options.maxKeys,
        ContinuationToken: token,
        StartAfter: token ? undefined : startAfter,
      }),
    );
    const truncated = out.IsTruncated === true;
    const restart = await onPage({ keys: out.Contents ?? [], truncated });
    if (options.once) return;
    if (typeof restart === 'string') {
      startAfter = restart;
      token = undefined;
      continue;
    }
    token = truncated ? out.NextContinuationToken : undefined;
    if (!token) return;
  }
}

/**
 * Direct children of a directory as driver paths; PathNotFoundError when it has none. A flat
 * listing that jumps past the subtree of the page's last child, rather than Delimiter="/":
 * as many requests for typical trees, and also right on servers whose delimiter listing
 * misses folders that only hold folders (s3rver).
 */
export async function listChildren(ctx: S3Context, path: string): Promise<string[]> {
  const prefix = dirPrefix(ctx, path);
  const children = new Set<string>();
  await forEachPage(ctx, prefix, ({ keys, truncated }) => {
    let lastDir: string | undefined;
    for (const { Key } of keys) {
      const file = Key === undefined ? null : fileKeyOf(Key);
      // "dir/" placeholder objects (some tools create them) are not children.
      if (file === null || file === prefix) continue;
      const slash = file.indexOf('/', prefix.length);
      const child = slash < 0 ? file : file.slice(0, slash);
      children.add(pathOf(ctx, child));
      lastDir = slash < 0 ? undefined : child;
    }
    // Skip the rest of the last child's subtree (keys are ASCII, so all sort before U+FFFF).
    if (truncated && lastDir !== undefined) return `${lastDir}/\uffff`;
  });
  if (children.size === 0) throw new PathNotFoundError(path);
  return [...children];
}

/** The first key under a directory, or null when the directory does not exist. */
export async function firstUnder(ctx: S3Context, path: string): Promise<_Object | null> {
  let first: _Object | null = null;
  await forEachPage(ctx, dirPrefix(ctx, path), ({ keys }) => void (first = keys[0] ?? null), { maxKeys: 1, once: true });
  return first;
}

/**
 * Walk a directory through one flat, paginated listing: keys come in byte order, so each
 * directory's keys are contiguous and its entry is visited before them. Keys under a skipped
 * directory are passed over; when a page ends inside one, the listing restarts after it.
 */
export async function walkKeys(ctx: S3Context, path: string, fn: WalkFn): Promise<void> {
  const prefix = dirPrefix(ctx, path);
  const open: string[] = []; // directories (driver paths) the current key is inside
  const seen = new Set<string>(); // files visited in the innermost open directory
  let skipped: string | null = null; // "dir/" of the last directory fn skipped
  let any = false;
  await forEachPage(ctx, prefix, async ({ keys, truncated }) => {
    let last: string | undefined;
    for (const object of keys) {
      const file = object.Key === undefined ? null : fileKeyOf(object.Key);
      if (file === null || file === prefix) continue;
      any = true;
      const filePath = (last = pathOf(ctx, file));
      if (skipped !== null && filePath.startsWith(skipped)) continue;
      const dirs = ancestors(path, filePath);
      while (open.length && !dirs.includes(open[open.length - 1]!)) open.pop();
      let skip = false;
      for (const dir of dirs.slice(open.length)) {
        open.push(dir);
        seen.clear();
        if ((await fn({ path: dir, size: 0, modTime: object.LastModified ?? new Date(), isDir: true })) === 'skip') {
          skipped = `${dir}/`;
          skip = true;
          break;
        }
      }
      if (skip || seen.has(filePath)) continue;
      seen.add(filePath);
      await fn(await fileInfo(ctx, object, file, filePath));
    }
    // Every key under dir/ sorts before dir/ + U+FFFF (keys are ASCII): jump there.
    if (truncated && skipped !== null && last?.startsWith(skipped)) return `${keyOf(ctx, skipped.slice(0, -1))}/\uffff`;
  });
  if (!any) throw new PathNotFoundError(path);
}

async function fileInfo(ctx: S3Context, object: _Object, file: string, path: string): Promise<FileInfo> {
  const modTime = object.LastModified ?? new Date();
  // An open upload: its size is in its state, not in the (state) object listed.
  const size = file === object.Key ? (object.Size ?? 0) : ((await loadState(ctx, file))?.size ?? 0);
  return { path, size, modTime, isDir: false };
}

// The directories between the walk root (exclusive) and a file (exclusive), outermost first.
function ancestors(root: string, file: string): string[] {
  const out: string[] = [];
  for (let i = file.indexOf('/', root === '/' ? 1 : root.length + 1); i >= 0; i = file.indexOf('/', i + 1)) out.push(file.slice(0, i));
  return out;
}
