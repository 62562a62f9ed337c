/**
 * The wrapper every driver is used through (Distribution's base.Base): it validates paths,
 * narrows backend failures to the few driver errors, and counts calls and time per method.
 */
import type { Readable } from 'node:stream';
import { InvalidOffsetError, InvalidPathError, PathNotFoundError, StorageUnavailableError, UnsupportedMethodError } from './driver.js';
import type { FileInfo, FileWriter, PutOptions, StorageDriver } from './driver.js';
import type { WalkFn } from './walk.js';

// Absolute, slash-separated, a conservative character set: the last line of defence against
// traversal, whatever the layers above let through. "." and ".." segments are checked apart.
const PATH_PATTERN = /^(?:\/[A-Za-z0-9._:-]+)+$/;

/** True when `path` is an acceptable driver path ("/" or "/seg/seg..." without "." / ".."). */
export function isValidPath(path: string): boolean {
  if (path === '/') return true;
  if (!PATH_PATTERN.test(path)) return false;
  return !path.split('/').some((s) => s === '.' || s === '..');
}

/** Per-method call statistics kept by BaseDriver. */
export interface MethodStats {
  calls: number;
  errors: number;
  totalMs: number;
}

/** Told about every call once it has finished (metrics): method, seconds, whether it failed. */
export type CallObserver = (method: StorageMethod, seconds: number, failed: boolean) => void;

const METHODS = ['getContent', 'putContent', 'reader', 'writer', 'stat', 'list', 'move', 'delete', 'redirectURL', 'walk'] as const;
type Method = (typeof METHODS)[number];
/** A driver method name, as BaseDriver counts calls. */
export type StorageMethod = Method;

// Marks an error thrown by the caller's walk callback, so it is passed through untouched
// instead of being mistaken for a backend failure.
class CallbackError {
  constructor(readonly error: unknown) {}
}

/** A StorageDriver that checks and measures every call before delegating to `inner`. */
export class BaseDriver implements StorageDriver {
  readonly name: string;
  // Plain counters: one performance.now() pair and two additions per call, no allocation.
  readonly #stats = Object.fromEntries(METHODS.map((m) => [m, { calls: 0, errors: 0, totalMs: 0 }])) as Record<Method, MethodStats>;

  /** Set to receive every call's duration and outcome (the metrics module sets it). */
  observer: CallObserver | undefined;

  constructor(private readonly inner: StorageDriver) {
    this.name = inner.name;
  }

  /** A snapshot of call counts, error counts and total milliseconds per method. */
  stats(): Record<Method, MethodStats> {
    return Object.fromEntries(METHODS.map((m) => [m, { ...this.#stats[m] }])) as Record<Method, MethodStats>;
  }

  getContent(path: string): Promise<Buffer> {
    return this.#call('getContent', path, () => this.inner.getContent(path));
  }

  putContent(path: string, content: Buffer | string, options?: PutOptions): Promise<void> {
    return this.#call('putContent', path, () => this.inner.putContent(path, content, options));
  }

  reader(path: string, offset = 0, end?: number): Promise<Readable> {
    return this.#call('reader', path, () => {
      if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidOffsetError(path, offset);
      // end = offset - 1 is an empty range, anything lower is a caller bug.
      if (end !== undefined && (!Number.isSafeInteger(end) || end < offset - 1)) {
        throw new InvalidOffsetError(path, end);
      }
      return this.inner.reader(path, offset, end);
    });
  }

  writer(path: string, append: boolean): Promise<FileWriter> {
    return this.#call('writer', path, () => this.inner.writer(path, append));
  }

  stat(path: string): Promise<FileInfo> {
    return this.#call('stat', path, () => this.inner.stat(path));
  }

  list(path: string): Promise<readonly string[]> {
    return this.#call('list', path, () => this.inner.list(path));
  }

  move(source: string, dest: string): Promise<void> {
    return this.#call('move', source, () => {
      checkPath(dest);
      // Moving the root, or onto it, would take the whole store with it.
      if (source === '/' || dest === '/') throw new InvalidPathError('/');
      return this.inner.move(source, dest);
    });
  }

  delete(path: string): Promise<void> {
    return this.#call('delete', path, () => {
      if (path === '/') throw new InvalidPathError(path);
      return this.inner.delete(path);
    });
  }

  redirectURL(path: string, method: string): Promise<string | null> {
    return this.#call('redirectURL', path, () => this.inner.redirectURL(path, method));
  }

  walk(path: string, fn: WalkFn): Promise<void> {
    const guarded: WalkFn = async (info) => {
      try {
        return await fn(info);
      } catch (err) {
        throw new CallbackError(err);
      }
    };
    return this.#call('walk', path, () => this.inner.walk(path, guarded));
  }

  /** Probe the backend before serving; a driver without a probe passes. */
  async check(): Promise<void> {
    await this.inner.check?.();
  }

  async #call<T>(method: Method, path: string, op: () => Promise<T>): Promise<T> {
    const stats = this.#stats[method];
    const start = performance.now();
    stats.calls++;
    let failed = false;
    try {
      checkPath(path);
      return await op();
    } catch (err) {
      if (err instanceof CallbackError) throw err.error;
      stats.errors++;
      failed = true;
      throw this.#translate(method, err);
    } finally {
      const ms = performance.now() - start;
      stats.totalMs += ms;
      this.observer?.(method, ms / 1000, failed);
    }
  }

  #translate(method: Method, err: unknown): Error {
    if (
      err instanceof PathNotFoundError ||
      err instanceof InvalidPathError ||
      err instanceof InvalidOffsetError ||
      err instanceof UnsupportedMethodError ||
      err instanceof StorageUnavailableError
    ) {
      return err;
    }
    const message = err instanceof Error ? err.message : String(err);
    return new StorageUnavailableError(`${this.name} ${method}: ${message}`, { cause: err });
  }
}

function checkPath(path: string): void {
  if (typeof path !== 'string' || !isValidPath(path)) throw new InvalidPathError(String(path));
}
