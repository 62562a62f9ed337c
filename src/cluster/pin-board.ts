/**
 * The primary's table of pins under http.workers: the cross-worker half of src/registry/pins.ts.
 * A worker's push pins the digests it relies on here before it looks at them; a worker's
 * collector claims each digest here before deleting it. The primary handles one message at a
 * time, so a pin and a claim of one digest are ordered exactly as in one process: a claim
 * after a pin (or after any pin since a run began) is refused, and a pin after a claim waits
 * until that delete is done, so the push then sees the blob gone.
 */

/** Pins and deletes of every worker, kept in the primary. */
export class PinBoard {
  /** Digest → worker → how many holds. */
  readonly #held = new Map<string, Map<number, number>>();
  /** Workers with collector runs in progress, and how many each. */
  readonly #runs = new Map<number, number>();
  /** Digests pinned since the oldest run in progress began (any worker's). */
  readonly #recent = new Set<string>();
  /** Deletes in flight: who claimed the digest, and the pins waiting for it. */
  readonly #deleting = new Map<string, { worker: number; waiters: (() => void)[] }>();

  /** Pin `digests` for `worker`; `granted` runs once no delete of them is in flight. */
  pin(worker: number, digests: readonly string[], granted: () => void): void {
    let waiting = 1;
    const done = (): void => {
      if (--waiting === 0) granted();
    };
    for (const d of digests) {
      const by = this.#held.get(d) ?? new Map<number, number>();
      by.set(worker, (by.get(worker) ?? 0) + 1);
      this.#held.set(d, by);
      if (this.#runs.size > 0) this.#recent.add(d);
      const del = this.#deleting.get(d);
      if (del) {
        waiting++;
        del.waiters.push(done);
      }
    }
    done();
  }

  /** `worker` releases one hold on each of `digests`. */
  unpin(worker: number, digests: readonly string[]): void {
    for (const d of digests) {
      const by = this.#held.get(d);
      const n = by?.get(worker);
      if (by === undefined || n === undefined) continue;
      if (n > 1) by.set(worker, n - 1);
      else by.delete(worker);
      if (by.size === 0) this.#held.delete(d);
      if (this.#runs.size > 0) this.#recent.add(d);
    }
  }

  /** A collector run in `worker` begins (true) or ends (false). */
  run(worker: number, begin: boolean): void {
    const n = (this.#runs.get(worker) ?? 0) + (begin ? 1 : -1);
    if (n > 0) this.#runs.set(worker, n);
    else this.#runs.delete(worker);
    if (this.#runs.size === 0) this.#recent.clear();
  }

  /** Whether `worker` may delete `digest` now: not pinned, not pinned since a run began, not being deleted. */
  claim(worker: number, digest: string): boolean {
    if (this.#held.has(digest) || this.#recent.has(digest) || this.#deleting.has(digest)) return false;
    this.#deleting.set(digest, { worker, waiters: [] });
    return true;
  }

  /** `worker`'s delete of `digest` is over (done or not): the pins waiting for it go on. */
  claimed(worker: number, digest: string): void {
    const del = this.#deleting.get(digest);
    if (del === undefined || del.worker !== worker) return;
    this.#deleting.delete(digest);
    for (const go of del.waiters) go();
  }

  /** A worker died: its holds, runs and deletes end with it. */
  releaseAll(worker: number): void {
    for (const [d, by] of [...this.#held]) {
      by.delete(worker);
      if (by.size === 0) this.#held.delete(d);
    }
    if (this.#runs.has(worker)) {
      this.#runs.delete(worker);
      if (this.#runs.size === 0) this.#recent.clear();
    }
    for (const [d, del] of [...this.#deleting]) if (del.worker === worker) this.claimed(worker, d);
  }

  /** Digests pinned right now (tests, debugging). */
  get size(): number {
    return this.#held.size;
  }
}
