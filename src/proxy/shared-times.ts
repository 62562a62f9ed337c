/**
 * The pull-through cache's times that every worker must agree on under http.workers: when a
 * cached tag was last confirmed upstream (`checked`, for the tag TTL) and when content was
 * last pulled (`pulled`, for eviction, which runs in one worker). A change is told to the
 * other workers; theirs are merged here. A check is sent at once (it happens once per TTL per
 * tag, and a worker that missed it would recheck early); pulls are batched, so a pull costs no
 * IPC message of its own.
 */
import type { UpstreamCounts } from './stats.js';

/** Changes of both maps: a time (ms) set, or null for a key deleted. */
export interface TimesUpdate {
  checked: [string, number | null][];
  pulled: [string, number | null][];
}

/** How the pull-through cache reaches the other workers (implemented by src/cluster). */
export interface ProxyPeers {
  /** Tell every other worker these changes (fire and forget). */
  share(update: TimesUpdate): void;
  /** Register how the other workers' changes apply here. */
  onShare(apply: (update: TimesUpdate) => void): void;
  /** Every other worker's counters, by upstream. */
  stats(): Promise<Record<string, UpstreamCounts>[]>;
  /** Register how this worker's counters are read for the others. */
  onStats(read: () => Record<string, UpstreamCounts>): void;
}

/** How long pull times gather before they are sent (eviction works in hours). */
export const PULLED_FLUSH_MS = 1000;

/** A map of times (ms) by key that reports its own changes and merges those of other workers. */
export class TimeMap {
  readonly #times = new Map<string, number>();
  #changed: ((key: string, at: number | null) => void) | undefined;

  get(key: string): number | undefined {
    return this.#times.get(key);
  }

  set(key: string, at: number): this {
    this.#times.set(key, at);
    this.#changed?.(key, at);
    return this;
  }

  delete(key: string): boolean {
    const had = this.#times.delete(key);
    if (had) this.#changed?.(key, null);
    return had;
  }

  get size(): number {
    return this.#times.size;
  }

  /** Register what to do on each local set or delete (not on merges). */
  onChange(changed: (key: string, at: number | null) => void): void {
    this.#changed = changed;
  }

  /** Apply another worker's changes: the later time wins; a delete deletes. Not reported back. */
  merge(entries: readonly [string, number | null][]): void {
    for (const [key, at] of entries) {
      if (at === null) this.#times.delete(key);
      else if (at > (this.#times.get(key) ?? -Infinity)) this.#times.set(key, at);
    }
  }
}

/** Connect `checked` and `pulled` to the other workers; returns the function that sends what waits. */
export function shareTimes(checked: TimeMap, pulled: TimeMap, peers: ProxyPeers, flushMs = PULLED_FLUSH_MS): () => void {
  const batch = new Map<string, number | null>();
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (batch.size === 0) return;
    const entries = [...batch];
    batch.clear();
    peers.share({ checked: [], pulled: entries });
  };
  checked.onChange((key, at) => peers.share({ checked: [[key, at]], pulled: [] }));
  pulled.onChange((key, at) => {
    // The last change of a key in the batch is the one that counts.
    batch.delete(key);
    batch.set(key, at);
    // Unref'd: a batch never keeps a stopping process alive (the times are hints, not content).
    timer ??= setTimeout(flush, flushMs).unref();
  });
  peers.onShare((update) => {
    checked.merge(update.checked);
    pulled.merge(update.pulled);
  });
  return flush;
}
