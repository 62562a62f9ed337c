/** Translation of Node filesystem errors into driver errors, shared by the fs driver and its writer. */
import { PathNotFoundError, StorageUnavailableError } from '../driver.js';

/** Map an fs error for `path` to PathNotFoundError (missing) or StorageUnavailableError (anything else). */
export function fsError(err: unknown, path: string): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  // ENOTDIR means a parent segment is a file, so the path cannot exist either.
  if (code === 'ENOENT' || code === 'ENOTDIR') return new PathNotFoundError(path);
  const message = err instanceof Error ? err.message : String(err);
  return new StorageUnavailableError(`filesystem: ${message}`, { cause: err });
}

/** True when `err` is an fs error with one of the given codes. */
export function hasCode(err: unknown, ...codes: string[]): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && codes.includes(code);
}
