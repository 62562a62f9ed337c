/**
 * The collector's view of storage, read in two walks through the driver: every link under
 * repositories/ (tags, manifest revisions, layer links, with their modification times) and
 * every blob under blobs/. On S3 a walk is one paginated listing, so the scan costs a request
 * per thousand keys plus one read per tag. Elsewhere (disk, memory) a walk is a list and a stat
 * per entry, so the folders are listed several at a time and only the files stat'ed, knowing the
 * layout (its files are all named `link` or `data`).
 */
import { PathNotFoundError, type FileInfo, type StorageDriver } from '../../storage/driver.js';
import { baseName } from '../../registry/links.js';
import * as paths from '../../registry/paths.js';

/** One repository as the scan found it. */
export interface RepoScan {
  name: string;
  /** Tag → the digest its current link names. */
  tags: Map<string, string>;
  /** Manifest revision digest → when its link was written. */
  revisions: Map<string, Date>;
  /** Layer (or config) digest → when its link was written. */
  layers: Map<string, Date>;
}

/** A stored blob. */
export interface BlobScan {
  digest: string;
  size: number;
  modTime: Date;
}

/** Every repository's links, by name. */
export async function scanRepositories(driver: StorageDriver): Promise<Map<string, RepoScan>> {
  const repos = new Map<string, RepoScan>();
  const tagLinks: { repo: RepoScan; tag: string; path: string }[] = [];
  const prefix = `${paths.REPOSITORIES}/`;
  await walkIfExists(driver, paths.REPOSITORIES, (info) => {
    const segments = info.path.slice(prefix.length).split('/');
    const at = segments.findIndex((s) => s.startsWith('_'));
    if (at <= 0) return;
    const kind = segments[at];
    // Uploads in progress are the purger's, referrer links are re-derived from the manifests,
    // and tag history is not a root (as in Distribution).
    if (kind === '_uploads' || kind === '_referrers') return 'skip';
    if (kind === '_manifests' && segments[at + 1] === 'tags' && segments[at + 3] === 'index') return 'skip';
    if (info.isDir || segments[segments.length - 1] !== 'link') return;
    const name = segments.slice(0, at).join('/');
    let repo = repos.get(name);
    if (!repo) repos.set(name, (repo = { name, tags: new Map(), revisions: new Map(), layers: new Map() }));
    const rest = segments.slice(at + 1);
    if (kind === '_layers' && rest.length === 3) repo.layers.set(`${rest[0]}:${rest[1]}`, info.modTime);
    else if (kind === '_manifests' && rest[0] === 'revisions' && rest.length === 4)
      repo.revisions.set(`${rest[1]}:${rest[2]}`, info.modTime);
    else if (kind === '_manifests' && rest[0] === 'tags' && rest.length === 4 && rest[2] === 'current') {
      tagLinks.push({ repo, tag: rest[1]!, path: info.path });
    }
    return;
  });
  await forEachLimit(tagLinks, 16, async ({ repo, tag, path }) => {
    const digest = await readLinkText(driver, path);
    if (digest !== null) repo.tags.set(tag, digest);
  });
  return repos;
}

/** Every blob in the blob store. */
export async function scanBlobs(driver: StorageDriver): Promise<BlobScan[]> {
  const blobs: BlobScan[] = [];
  const prefix = `${paths.ROOT}/blobs/`;
  await walkIfExists(driver, `${paths.ROOT}/blobs`, (info) => {
    if (info.isDir) return;
    // blobs/<alg>/<hex[0:2]>/<hex>/data
    const segments = info.path.slice(prefix.length).split('/');
    if (segments.length !== 4 || segments[3] !== 'data') return;
    blobs.push({ digest: `${segments[0]}:${segments[2]}`, size: info.size, modTime: info.modTime });
  });
  return blobs;
}

/** The digest a link file holds (trimmed), or null when it is gone. */
export async function readLinkText(driver: StorageDriver, path: string): Promise<string | null> {
  try {
    return (await driver.getContent(path)).toString('utf8').trim();
  } catch (err) {
    if (err instanceof PathNotFoundError) return null;
    throw err;
  }
}

type Visit = (info: FileInfo) => void | 'skip';

async function walkIfExists(driver: StorageDriver, path: string, fn: Visit): Promise<void> {
  try {
    if (driver.name === 's3') await driver.walk(path, fn);
    else await walkLayout(driver, path, fn);
  } catch (err) {
    if (!(err instanceof PathNotFoundError)) throw err;
  }
}

// Folders listed at once by walkLayout.
const LISTINGS = 16;

/** Visit what is under `root` (folders before their content, in no set order), listing folders in parallel. */
async function walkLayout(driver: StorageDriver, root: string, fn: Visit): Promise<void> {
  await driver.list(root);
  const queue = [root];
  let busy = 0;
  let failure: unknown;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (failure === undefined && busy < LISTINGS && queue.length > 0) {
        const dir = queue.pop()!;
        busy++;
        void visitDir(driver, dir, fn, queue).then(
          () => {
            busy--;
            pump();
          },
          (err: unknown) => {
            busy--;
            failure ??= err;
            pump();
          },
        );
      }
      if (busy === 0 && (queue.length === 0 || failure !== undefined)) resolve();
    };
    pump();
  });
  if (failure !== undefined) throw failure;
}

async function visitDir(driver: StorageDriver, dir: string, fn: Visit, queue: string[]): Promise<void> {
  let children: readonly string[];
  try {
    children = await driver.list(dir);
  } catch (err) {
    // A folder removed while we walk (a tag deleted, an upload finished) is not an error.
    if (err instanceof PathNotFoundError) return;
    throw err;
  }
  for (const child of children) {
    const base = baseName(child);
    if (base !== 'link' && base !== 'data') {
      if (fn({ path: child, size: 0, modTime: new Date(0), isDir: true }) !== 'skip') queue.push(child);
      continue;
    }
    try {
      const info = await driver.stat(child);
      // A tag or repository may be called "data" or "link" too.
      if (fn(info) !== 'skip' && info.isDir) queue.push(child);
    } catch (err) {
      if (!(err instanceof PathNotFoundError)) throw err;
    }
  }
}

/** Run `fn` over `items`, at most `limit` at a time. */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
