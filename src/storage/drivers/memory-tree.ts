/** The in-memory file tree behind MemoryDriver: directories of named nodes, files as chunk lists. */

/** A file: chunks are appended by writers and flattened lazily, so streaming writes stay linear. */
export interface MemFile {
  kind: 'file';
  chunks: Buffer[];
  size: number;
  modTime: Date;
}

/** A directory: children by name. */
export interface MemDir {
  kind: 'dir';
  children: Map<string, MemNode>;
  modTime: Date;
}

/** Any node of the tree. */
export type MemNode = MemFile | MemDir;

/** A fresh empty directory node. */
export function newDir(): MemDir {
  return { kind: 'dir', children: new Map(), modTime: new Date() };
}

/** A fresh file node holding `content` (copied: callers may reuse their buffer). */
export function newFile(content: Buffer): MemFile {
  return { kind: 'file', chunks: [Buffer.from(content)], size: content.length, modTime: new Date() };
}

/** The whole content of a file as one buffer (flattens the chunk list once). */
export function contentOf(file: MemFile): Buffer {
  if (file.chunks.length !== 1) file.chunks = [Buffer.concat(file.chunks, file.size)];
  return file.chunks[0] as Buffer;
}

/** Split a driver path into its segments ("/" → []). */
export function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** The node at `path`, or undefined. */
export function find(root: MemDir, path: string): MemNode | undefined {
  let node: MemNode = root;
  for (const name of segments(path)) {
    if (node.kind !== 'dir') return undefined;
    const next: MemNode | undefined = node.children.get(name);
    if (!next) return undefined;
    node = next;
  }
  return node;
}

/**
 * The directory that holds `path` and the last segment's name; with create=true missing
 * parents are made (like mkdir -p), otherwise undefined is returned when one is missing.
 */
export function parentOf(root: MemDir, path: string, create: boolean): { dir: MemDir; name: string } | undefined {
  const parts = segments(path);
  const name = parts.pop();
  if (name === undefined) return undefined;
  let dir = root;
  for (const part of parts) {
    let next = dir.children.get(part);
    if (!next) {
      if (!create) return undefined;
      next = newDir();
      dir.children.set(part, next);
    }
    if (next.kind !== 'dir') {
      if (!create) return undefined;
      // Same failure as the fs driver's ENOTDIR on create, surfaced by BaseDriver as unavailable.
      throw new Error(`not a directory: ${part} in ${path}`);
    }
    dir = next;
  }
  return { dir, name };
}
