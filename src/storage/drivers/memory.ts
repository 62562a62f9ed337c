/**
 * The in-memory driver (`storage: inmemory`): same semantics as the filesystem driver, for
 * tests and throwaway registries. Everything is lost when the process exits.
 */
import { Readable } from 'node:stream';
import { InvalidOffsetError, PathNotFoundError } from '../driver.js';
import type { FileInfo, FileWriter, StorageDriver } from '../driver.js';
import { childPath, walkFallback } from '../walk.js';
import type { WalkFn } from '../walk.js';
import { contentOf, find, newDir, newFile, parentOf } from './memory-tree.js';
import type { MemFile } from './memory-tree.js';
import { MemoryFileWriter } from './memory-writer.js';

// Reader chunk size, matching the fs driver so consumers see similar stream shapes.
const READ_CHUNK = 1 << 20;

/** A StorageDriver over an in-process tree of directories and files. */
export class MemoryDriver implements StorageDriver {
  readonly name = 'inmemory';
  readonly #root = newDir();

  async getContent(path: string): Promise<Buffer> {
    const node = find(this.#root, path);
    if (node?.kind !== 'file') throw new PathNotFoundError(path);
    // A copy, so a caller mutating the result cannot change what is stored.
    return Buffer.from(contentOf(node));
  }

  async putContent(path: string, content: Buffer | string): Promise<void> {
    const buf = typeof content === 'string' ? Buffer.from(content) : content;
    const slot = this.#slot(path);
    if (slot.dir.children.get(slot.name)?.kind === 'dir') throw new Error(`is a directory: ${path}`);
    slot.dir.children.set(slot.name, newFile(buf));
  }

  async reader(path: string, offset = 0, end?: number): Promise<Readable> {
    const node = find(this.#root, path);
    if (node?.kind !== 'file') throw new PathNotFoundError(path);
    if (offset > node.size) throw new InvalidOffsetError(path, offset);
    // Snapshot now: later writes must not change what this reader returns.
    const data = contentOf(node).subarray(offset, Math.min((end ?? node.size - 1) + 1, node.size));
    // Byte mode (Readable.from defaults to object mode), like the fs stream.
    return Readable.from(chunksOf(data), { objectMode: false });
  }

  async writer(path: string, append: boolean): Promise<FileWriter> {
    const slot = this.#slot(path);
    const existing = slot.dir.children.get(slot.name);
    if (existing?.kind === 'dir') throw new Error(`is a directory: ${path}`);
    let file: MemFile;
    if (append && existing) {
      file = existing;
    } else {
      file = newFile(Buffer.alloc(0));
      slot.dir.children.set(slot.name, file);
    }
    const remove = (): void => {
      if (slot.dir.children.get(slot.name) === file) slot.dir.children.delete(slot.name);
    };
    return new MemoryFileWriter(file, remove);
  }

  async stat(path: string): Promise<FileInfo> {
    const node = find(this.#root, path);
    if (!node) throw new PathNotFoundError(path);
    const isDir = node.kind === 'dir';
    return { path, size: isDir ? 0 : node.size, modTime: node.modTime, isDir };
  }

  async list(path: string): Promise<string[]> {
    const node = find(this.#root, path);
    if (node?.kind !== 'dir') throw new PathNotFoundError(path);
    return [...node.children.keys()].map((name) => childPath(path, name));
  }

  async move(source: string, dest: string): Promise<void> {
    const from = parentOf(this.#root, source, false);
    const node = from?.dir.children.get(from.name);
    if (!from || !node) throw new PathNotFoundError(source);
    if (dest === source) return;
    // The fs driver gets EINVAL from rename() here; a tree would otherwise lose the subtree.
    if (dest.startsWith(`${source}/`)) throw new Error(`cannot move ${source} into itself`);
    const to = this.#slot(dest);
    from.dir.children.delete(from.name);
    to.dir.children.set(to.name, node);
  }

  async delete(path: string): Promise<void> {
    const slot = parentOf(this.#root, path, false);
    if (!slot || !slot.dir.children.delete(slot.name)) throw new PathNotFoundError(path);
  }

  async redirectURL(): Promise<string | null> {
    return null;
  }

  async walk(path: string, fn: WalkFn): Promise<void> {
    await walkFallback(this, path, fn);
  }

  // Parent directory (created as needed) and name for a path that is about to be written.
  #slot(path: string): { dir: ReturnType<typeof newDir>; name: string } {
    const slot = parentOf(this.#root, path, true);
    if (!slot) throw new Error(`cannot write the root directory`);
    return slot;
  }
}

/** Yield `data` in READ_CHUNK slices (views, no copies). */
function* chunksOf(data: Buffer): Generator<Buffer> {
  for (let i = 0; i < data.length; i += READ_CHUNK) yield data.subarray(i, i + READ_CHUNK);
}
