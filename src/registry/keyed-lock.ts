/** Runs async work one at a time per key: in this process (KeyedLock) or across workers (src/cluster). */
export interface Locks {
  /** Run `fn` once every earlier holder of `key` is done. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** Serialises async work per key within this process (e.g. two PATCHes to one upload). */
export class KeyedLock implements Locks {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Run `fn` after every earlier call with the same key has settled. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await next;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
