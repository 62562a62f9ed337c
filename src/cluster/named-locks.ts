/**
 * The primary's table of named locks: one holder per name (a worker), the others queued in
 * order. A worker that dies gives back everything it held and leaves every queue.
 */

interface Waiter {
  worker: number;
  grant: () => void;
}

/** Named locks held by workers, kept in the primary. */
export class NamedLocks {
  readonly #held = new Map<string, { holder: number; queue: Waiter[] }>();

  /** Queue `worker` for `name`; `grant` runs when it holds it (at once when free). */
  acquire(name: string, worker: number, grant: () => void): void {
    const entry = this.#held.get(name);
    if (entry === undefined) {
      this.#held.set(name, { holder: worker, queue: [] });
      grant();
    } else entry.queue.push({ worker, grant });
  }

  /** `worker` is done with `name`: the next in line gets it. */
  release(name: string, worker: number): void {
    const entry = this.#held.get(name);
    if (entry === undefined || entry.holder !== worker) return;
    this.#next(name, entry);
  }

  /** A worker died: free its locks and forget its places in line. */
  releaseAll(worker: number): void {
    for (const [name, entry] of [...this.#held]) {
      entry.queue = entry.queue.filter((w) => w.worker !== worker);
      if (entry.holder === worker) this.#next(name, entry);
    }
  }

  /** Names held right now (tests, debugging). */
  get size(): number {
    return this.#held.size;
  }

  #next(name: string, entry: { holder: number; queue: Waiter[] }): void {
    const next = entry.queue.shift();
    if (next === undefined) return void this.#held.delete(name);
    entry.holder = next.worker;
    next.grant();
  }
}
