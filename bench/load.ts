/**
 * Closed-loop load: `concurrency` workers each run one operation after another until the time
 * or the operation budget runs out. Latency is measured per successful operation.
 */
import { ErrorTally } from './verify.js';

/** What to run and for how long. */
export interface LoadOptions {
  concurrency: number;
  /** Stop starting operations after this long. */
  durationMs: number;
  /** Stop after this many operations (every loop is bounded by count and time). */
  maxOps: number;
  /** One operation; throws on any error (which is counted, and the loop goes on). */
  op(seq: number, worker: number): Promise<void>;
}

/** Outcome of a load run. */
export interface LoadResult {
  /** Successful operations. */
  ops: number;
  errors: ErrorTally;
  elapsedMs: number;
  p50Ms: number;
  p99Ms: number;
}

/** Run a closed-loop load and summarise it. */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const errors = new ErrorTally();
  const start = performance.now();
  const deadline = start + o.durationMs;
  let next = 0;
  const worker = async (w: number): Promise<void> => {
    while (next < o.maxOps && performance.now() < deadline) {
      const seq = next++;
      const t = performance.now();
      try {
        await o.op(seq, w);
        latencies.push(performance.now() - t);
      } catch (err) {
        errors.add(err);
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, (_, w) => worker(w)));
  const elapsedMs = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return { ops: latencies.length, errors, elapsedMs, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** The p-th percentile (nearest rank) of an ascending list; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Run `fn` over `items` with at most `limit` in flight (setup work); errors are rethrown. */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
