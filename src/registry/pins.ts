/**
 * Pins: how a push in this process and a garbage-collection run agree on a digest.
 *
 * A write that depends on content already stored (an upload completing onto an existing blob,
 * a mount, a manifest PUT whose config, layers and children are checked and then linked) holds
 * a pin on those digests from before it looks until after it has linked. The collector asks
 * `claim()` before deleting a digest: a digest pinned now, or pinned since its run started, is
 * never deleted; a pin taken while a delete is in flight waits for it, so the writer's own
 * existence check then sees the truth (gone: the push stores its own bytes or fails cleanly).
 * Both steps are synchronous in the one event loop, so no interleaving slips between them.
 */

/** Pins of one process; the registry's services hold them, the collector claims against them. */
export class Pins {
  private readonly held = new Map<string, number>();
  /** Digests pinned since the oldest collector run in progress started. */
  private readonly recent = new Set<string>();
  private readonly deleting = new Map<string, Promise<unknown>>();
  /** Collector runs in progress in this process. */
  protected runs = 0;

  /** Pin `digests` until the returned release is called; waits for deletes already in flight. */
  async hold(digests: Iterable<string>): Promise<() => void> {
    const list = [...new Set(digests)];
    for (const d of list) {
      this.held.set(d, (this.held.get(d) ?? 0) + 1);
      if (this.runs > 0) this.recent.add(d);
    }
    const busy = list.flatMap((d) => this.deleting.get(d) ?? []);
    if (busy.length > 0) await Promise.allSettled(busy);
    return once(() => {
      for (const d of list) {
        const n = (this.held.get(d) ?? 1) - 1;
        if (n <= 0) this.held.delete(d);
        else this.held.set(d, n);
        if (this.runs > 0) this.recent.add(d);
      }
    });
  }

  /** Run `fn` while pinned on `digests` (released however it ends). */
  async with<T>(digests: Iterable<string>, fn: () => Promise<T>): Promise<T> {
    const release = await this.hold(digests);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * A collector run starts: from now on, every pin is remembered until the last run ends.
   * Resolves once pins everywhere they are held (other workers: src/cluster) count for it.
   */
  async beginRun(): Promise<() => void> {
    return this.beginHere();
  }

  /** beginRun() in this process only. */
  protected beginHere(): () => void {
    this.runs++;
    return once(() => {
      if (--this.runs === 0) this.recent.clear();
    });
  }

  /** Whether `digest` is pinned now or was pinned since a run in progress started. */
  isPinned(digest: string): boolean {
    return this.held.has(digest) || this.recent.has(digest);
  }

  /**
   * Delete `digest`'s content with `fn` unless it is pinned; false (and `fn` not called) when
   * it is. Pins taken meanwhile wait until `fn` has finished.
   */
  async claim(digest: string, fn: () => Promise<boolean>): Promise<boolean> {
    if (this.isPinned(digest) || this.deleting.has(digest)) return false;
    const work = fn();
    this.deleting.set(digest, work);
    try {
      return await work;
    } finally {
      this.deleting.delete(digest);
    }
  }
}

/** `fn`, run on the first call only: a release or an end called twice counts once. */
export function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
