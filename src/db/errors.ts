/** Errors of the stores, the same whichever engine raised them. */

/** A row with the same unique name (or key) exists already. */
export class AlreadyExistsError extends Error {}

/** Whether `err` is a unique or primary-key violation (SQLite or PostgreSQL). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** Run `fn`, turning a unique violation into AlreadyExistsError with `message`. */
export async function uniquely<T>(message: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AlreadyExistsError(message);
    throw err;
  }
}
