/**
 * The messages between the primary and its workers over node:cluster's IPC channel. Every
 * message carries `berth` (its kind), so prom-client's own messages (metrics aggregation)
 * pass by untouched. A request carries an `id` the reply echoes.
 */
import type { LimiterName, LoginFailure } from '../auth/rate-limit.js';
import type { TimesUpdate } from '../proxy/shared-times.js';

/** What a worker asks of the primary. */
export type WorkerRequest =
  /** Take the named lock (granted by the reply); give it back with `unlock`. */
  | { berth: 'lock'; id: number; name: string }
  /** Have every other worker drop these cached paths; replied once all have. */
  | { berth: 'invalidate'; id: number; paths: readonly string[] }
  /** Switch read-only mode in every other worker (the API's switch); replied once all have. */
  | { berth: 'readonly'; id: number; enabled: boolean; by: string }
  /** Whether this worker is the one that runs scheduled `job`s now. */
  | { berth: 'lease'; id: number; job: string }
  /** The metrics exposition summed over every worker. */
  | { berth: 'metrics'; id: number }
  /** Every other linked worker's answer to `what` (those that answer within a few seconds). */
  | { berth: 'gather'; id: number; what: Gatherable }
  /** Pin digests a push relies on, while runs are in progress (replied once no delete of them is in flight). */
  | { berth: 'pin'; id: number; digests: readonly string[] }
  /** May this worker's collector delete `digest` now (replied true or false). */
  | { berth: 'claim'; id: number; digest: string }
  /** A collector run here begins, with the pins held here (replied once every worker forwards its pins). */
  | { berth: 'gc-begin'; id: number; digests: readonly string[] };

/** What a worker can be asked for by `gather`: the pull-through cache's counters. */
export type Gatherable = 'proxy-stats';

/** What a worker tells the primary without waiting for an answer. */
export type WorkerNotice =
  /** The worker listens for `drop` now (sent before it builds any cache). */
  | { berth: 'hello' }
  | { berth: 'unlock'; name: string }
  /** The worker listens and serves (its address). */
  | { berth: 'ready'; url: string }
  /** The worker did what `drop` or `readonly` number `seq` asked. */
  | { berth: 'dropped'; seq: number }
  /** The worker's answer to `gather` number `seq`. */
  | { berth: 'gathered'; seq: number; value: unknown }
  /** The pull-through cache's tag checks and pull times changed here: tell every other worker (no ack). */
  | { berth: 'proxy-times'; update: TimesUpdate }
  /** A failed login here, counted by `limiter`: tell every other worker (no ack). */
  | { berth: 'login-failed'; limiter: LimiterName; failure: LoginFailure }
  /** Release one hold on each of these digests. */
  | { berth: 'unpin'; digests: readonly string[] }
  /** A collector run in this worker ends. */
  | { berth: 'gc-end' }
  /** Answer to `gc-active` number `seq`: the pins held here that the primary was not told of. */
  | { berth: 'gc-forwarded'; seq: number; digests: readonly string[] }
  /** The delete of `digest` this worker claimed is over. */
  | { berth: 'claimed'; digest: string };

/** Everything a worker sends. */
export type FromWorker = WorkerRequest | WorkerNotice;

/** Everything the primary sends. */
export type FromPrimary =
  | { berth: 'reply'; id: number; value?: unknown; error?: string }
  /** Another worker changed these paths: drop them, then say `dropped`. */
  | { berth: 'drop'; seq: number; paths: readonly string[] }
  /** Read-only mode was switched through another worker: switch it here, then say `dropped`. */
  | { berth: 'readonly'; seq: number; enabled: boolean; by: string }
  /** Another worker asks for `what`: answer with `gathered`. */
  | { berth: 'gather'; seq: number; what: Gatherable }
  /** Another worker's tag checks and pull times: merge them. */
  | { berth: 'proxy-times'; update: TimesUpdate }
  /** Another worker's failed login: record it in `limiter`. */
  | { berth: 'login-failed'; limiter: LimiterName; failure: LoginFailure }
  /** Whether collector runs are in progress (forward pins while they are); with `seq`, answer `gc-forwarded`. */
  | { berth: 'gc-active'; active: boolean; seq?: number };

/** True for a message of ours (not prom-client's, not node's). */
export function isBerthMessage<T extends { berth: string }>(msg: unknown): msg is T {
  return typeof msg === 'object' && msg !== null && typeof (msg as { berth?: unknown }).berth === 'string';
}
