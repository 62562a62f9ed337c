/**
 * The primary's table of pins under http.workers: the cross-worker half of src/registry/pins.ts.
 *
 * While no collector run is in progress anywhere, a push pins only in its own worker (no IPC on
 * the hot path). A run begins here: every worker is told, starts forwarding its pins to the
 * primary, and sends the pins it already holds; only once all have does the run's mark phase
 * start. From then until the last run ends, pins, releases and claims meet here, and the
 * primary handles one message at a time, so they are ordered exactly as in one process: a
 * claim after a pin (or after any pin since a run began) is refused, and a pin that comes
 * while a delete is in flight waits until it is done, so the push then sees the blob gone.
 */

/** What the primary tells a worker: whether runs are in progress; with `seq`, answer with the pins it holds. */
export interface ActiveNotice {
  active: boolean;
  seq?: number;
}

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
  /** The workers being switched to forwarding (their pins not in yet), and the runs waiting for them. */
  #switching: { seq: number; waiting: Set<number>; done: (() => void)[] } | undefined;
  #seq = 0;

  /**
   * `tell` sends a worker a notice; `linked` lists the workers that serve (they get every
   * notice; one that links later is told the state by `hello`).
   */
  constructor(
    private readonly tell: (worker: number, notice: ActiveNotice) => void,
    private readonly linked: () => Iterable<number>,
  ) {}

  /** Whether a run is in progress (or starting) anywhere. */
  get active(): boolean {
    return this.#runs.size > 0 || this.#switching !== undefined;
  }

  /** A worker links: it forwards its pins until told no run is in progress. */
  hello(worker: number): void {
    this.tell(worker, { active: this.active });
  }

  /**
   * A run in `worker` begins; `digests` are the pins it held before. `ready` runs once every
   * other worker forwards its pins and has sent those it held.
   */
  begin(worker: number, digests: readonly string[], ready: () => void): void {
    this.#hold(worker, digests);
    const wasActive = this.active;
    this.#runs.set(worker, (this.#runs.get(worker) ?? 0) + 1);
    if (this.#switching) return void this.#switching.done.push(ready);
    if (wasActive) return ready();
    const waiting = new Set([...this.linked()].filter((w) => w !== worker));
    const seq = ++this.#seq;
    this.#switching = { seq, waiting, done: [ready] };
    for (const w of waiting) this.tell(w, { active: true, seq });
    this.#switched();
  }

  /** `worker`'s answer to switching number `seq`: the pins it held. */
  forwarded(worker: number, seq: number, digests: readonly string[]): void {
    this.#hold(worker, digests);
    if (this.#switching?.seq !== seq) return;
    this.#switching.waiting.delete(worker);
    this.#switched();
  }

  /** A run in `worker` ends; after the last one, workers stop forwarding. */
  end(worker: number): void {
    const n = (this.#runs.get(worker) ?? 0) - 1;
    if (n > 0) this.#runs.set(worker, n);
    else this.#runs.delete(worker);
    this.#idle();
  }

  /** Pin `digests` for `worker`; `granted` runs once no delete of them is in flight. */
  pin(worker: number, digests: readonly string[], granted: () => void): void {
    const busy = this.#hold(worker, digests);
    let waiting = busy.length + 1;
    const done = (): void => {
      if (--waiting === 0) granted();
    };
    for (const del of busy) del.waiters.push(done);
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
      if (this.active) this.#recent.add(d);
    }
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

  /** A worker died: its holds, runs and deletes end with it, and no switching waits for it. */
  releaseAll(worker: number): void {
    for (const [d, by] of [...this.#held]) {
      by.delete(worker);
      if (by.size === 0) this.#held.delete(d);
    }
    for (const [d, del] of [...this.#deleting]) if (del.worker === worker) this.claimed(worker, d);
    const wasActive = this.active;
    this.#runs.delete(worker);
    if (this.#switching?.waiting.delete(worker)) this.#switched();
    if (wasActive) this.#idle();
  }

  /** Digests pinned right now (tests, debugging). */
  get size(): number {
    return this.#held.size;
  }

  /** Record holds of `digests`; returns the deletes of them in flight. */
  #hold(worker: number, digests: readonly string[]): { waiters: (() => void)[] }[] {
    for (const d of digests) {
      const by = this.#held.get(d) ?? new Map<number, number>();
      by.set(worker, (by.get(worker) ?? 0) + 1);
      this.#held.set(d, by);
      if (this.active) this.#recent.add(d);
    }
    return digests.flatMap((d) => this.#deleting.get(d) ?? []);
  }

  /** Switching is over once every worker asked has answered (or died): the runs waiting go on. */
  #switched(): void {
    const s = this.#switching;
    if (s === undefined || s.waiting.size > 0) return;
    this.#switching = undefined;
    for (const ready of s.done) ready();
    this.#idle();
  }

  /** No run left (its worker died while switching, or the last one ended): forget, stop forwarding. */
  #idle(): void {
    if (this.active) return;
    this.#recent.clear();
    for (const w of this.linked()) this.tell(w, { active: false });
  }
}
