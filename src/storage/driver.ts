/**
 * The one storage driver interface every backend implements (modelled on Distribution's
 * storagedriver.StorageDriver). Paths are absolute, slash-separated, lower-level than the
 * registry domain: "/docker/registry/v2/blobs/sha256/ab/ab12.../data". Nothing above this
 * layer imports `fs` or a cloud SDK.
 */
import type { Readable, Writable } from 'node:stream';

/** What stat() knows about a path. */
export interface FileInfo {
  path: string;
  size: number;
  modTime: Date;
  isDir: boolean;
}

/**
 * A streaming writer returned by driver.writer(). Bytes written are not guaranteed to be
 * durable until commit() resolves; cancel() removes the file, rollback() only what this
 * writer added. `size` counts every byte in the file (including pre-existing ones when
 * appending).
 */
export interface FileWriter extends Writable {
  readonly size: number;
  /** Flush and make the written bytes durable; the writer is finished afterwards. */
  commit(): Promise<void>;
  /** Abort and remove the file. */
  cancel(): Promise<void>;
  /**
   * Abort and leave the file as it was when the writer was opened: an appending writer's
   * earlier bytes stay, a file this writer started is removed. Safe after the stream failed
   * (a pipeline destroys it); not after commit().
   */
  rollback(): Promise<void>;
}

/** Options of putContent. */
export interface PutOptions {
  /**
   * false: bookkeeping that can be rebuilt (an upload's start time, a saved hash state) need
   * not survive a power cut, so the filesystem driver skips its fsyncs. Default true.
   */
  durable?: boolean;
}

/** The operations the registry needs from a backend. */
export interface StorageDriver {
  readonly name: string;
  /** Whole small file (links, manifests). Throws PathNotFoundError. */
  getContent(path: string): Promise<Buffer>;
  /**
   * Atomically replace a small file: readers see either the old or the new content. Once it
   * resolves the content survives a power cut, unless options.durable is false.
   */
  putContent(path: string, content: Buffer | string, options?: PutOptions): Promise<void>;
  /** Stream a file from `offset` (inclusive) to `end` (inclusive, optional). */
  reader(path: string, offset?: number, end?: number): Promise<Readable>;
  /** Open a file for streaming writes; append=true continues an existing file. */
  writer(path: string, append: boolean): Promise<FileWriter>;
  stat(path: string): Promise<FileInfo>;
  /** Direct children of a directory, as full paths, unsorted. Throws PathNotFoundError. */
  list(path: string): Promise<readonly string[]>;
  /** Atomic rename; replaces the destination. The new name survives a power cut once it resolves. */
  move(source: string, dest: string): Promise<void>;
  /** Remove a file or a whole tree. Throws PathNotFoundError when absent. */
  delete(path: string): Promise<void>;
  /** A URL the client may fetch the content from directly, or null when unsupported. */
  redirectURL(path: string, method: string): Promise<string | null>;
  /** Visit every file and directory under `path`, depth first; return 'skip' to not descend. */
  walk(path: string, fn: (info: FileInfo) => Promise<void | 'skip'> | void | 'skip'): Promise<void>;
  /** Optional start-up probe (bucket exists, credentials work); throws StorageUnavailableError. */
  check?(): Promise<void>;
}

/** The path does not exist. */
export class PathNotFoundError extends Error {
  constructor(public readonly path: string) {
    super(`path not found: ${path}`);
  }
}
/** The path is not a valid driver path (relative, `..`, odd characters). */
export class InvalidPathError extends Error {
  constructor(public readonly path: string) {
    super(`invalid path: ${path}`);
  }
}
/** A read offset beyond the end of the file. */
export class InvalidOffsetError extends Error {
  constructor(
    public readonly path: string,
    public readonly offset: number,
  ) {
    super(`invalid offset ${offset} for ${path}`);
  }
}
/** The backend cannot do this operation. */
export class UnsupportedMethodError extends Error {
  constructor(method: string) {
    super(`unsupported storage method: ${method}`);
  }
}
/** Any other backend failure (I/O error, throttling that outlived retries). */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
