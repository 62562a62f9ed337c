/**
 * A worker's side of the cluster: requests to the primary over IPC, and what the registry
 * plugs in from it (cross-worker locks and pins, the cache peers, the scheduler's lease, metrics
 * summed over the workers, the pull-through cache's shared times and summed counters, failed
 * logins shared by the limiters).
 */
import { AggregatorRegistry } from 'prom-client';
import type { LimiterName, LoginFailure, LoginPeers } from '../auth/rate-limit.js';
import type { Lease } from '../ops/scheduler.js';
import type { ProxyPeers, TimesUpdate } from '../proxy/shared-times.js';
import type { UpstreamCounts } from '../proxy/stats.js';
import { KeyedLock, type Locks } from '../registry/keyed-lock.js';
import type { Pins } from '../registry/pins.js';
import type { CachePeers } from '../storage/cache.js';
import { SharedPins } from './shared-pins.js';
import { isBerthMessage, type FromPrimary, type FromWorker, type Gatherable, type WorkerNotice, type WorkerRequest } from './protocol.js';

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The connection of a worker to its primary. */
export class PrimaryLink {
  #next = 1;
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  #drop: ((paths: readonly string[]) => void) | undefined;
  #readOnly: ((enabled: boolean, by: string) => void) | undefined;
  #proxyTimes: ((update: TimesUpdate) => void) | undefined;
  #gcActive: ((active: boolean) => string[]) | undefined;
  /** Where the other workers' failed logins are recorded, by limiter. */
  readonly #loginFailed = new Map<LimiterName, (failure: LoginFailure) => void>();
  /** What this worker answers to `gather`, by what is asked. */
  readonly #answers = new Map<Gatherable, () => unknown>();
  // One request per lock name from this worker at a time: local turns first, then the primary's.
  readonly #local = new KeyedLock();

  constructor() {
    process.on('message', (msg: unknown) => {
      if (isBerthMessage<FromPrimary>(msg)) this.#onMessage(msg);
    });
    // The primary is gone (killed): nothing restarts, locks or coordinates this worker now,
    // and an orphan would keep the port. Stop at once.
    process.on('disconnect', () => process.exit(1));
    // prom-client answers the primary's metrics request (AggregatorRegistry.clusterMetrics)
    // only once an AggregatorRegistry exists in the worker: its constructor installs the
    // listener. Without it every /metrics under workers timed out (500).
    new AggregatorRegistry();
    this.notify({ berth: 'hello' });
  }

  /** Locks held in the primary: one holder per name across every worker. */
  readonly locks: Locks = {
    run: (key, fn) =>
      this.#local.run(key, async () => {
        await this.#request({ berth: 'lock', name: key });
        try {
          return await fn();
        } finally {
          this.notify({ berth: 'unlock', name: key });
        }
      }),
  };

  /** Pins held across the workers: a collector run in one spares what a push in another relies on. */
  readonly pins: Pins = new SharedPins({
    pin: async (digests) => void (await this.#request({ berth: 'pin', digests })),
    unpin: (digests) => this.#tell({ berth: 'unpin', digests }),
    begin: async (digests) => void (await this.#request({ berth: 'gc-begin', digests })),
    end: () => this.#tell({ berth: 'gc-end' }),
    claim: async (digest) => (await this.#request({ berth: 'claim', digest })) === true,
    claimed: (digest) => this.#tell({ berth: 'claimed', digest }),
    onActive: (apply) => void (this.#gcActive = apply),
  });

  /** The other workers' storage caches. */
  readonly peers: CachePeers = {
    invalidate: async (paths) => void (await this.#request({ berth: 'invalidate', paths })),
    onInvalidate: (drop) => void (this.#drop = drop),
  };

  /** Read-only mode switched in every worker: this one's switch told to the others, theirs applied here. */
  readonly readOnly = {
    broadcast: async (enabled: boolean, by: string): Promise<void> => void (await this.#request({ berth: 'readonly', enabled, by })),
    onSwitch: (apply: (enabled: boolean, by: string) => void): void => void (this.#readOnly = apply),
  };

  /** The pull-through cache's tag checks, pull times and counters, shared with the other workers. */
  readonly proxy: ProxyPeers = {
    share: (update) => this.#tell({ berth: 'proxy-times', update }),
    onShare: (apply) => void (this.#proxyTimes = apply),
    stats: async () => (await this.#request({ berth: 'gather', what: 'proxy-stats' })) as Record<string, UpstreamCounts>[],
    onStats: (read) => void this.#answers.set('proxy-stats', read),
  };

  /** The failed logins of `limiter`, shared with the other workers. */
  logins(limiter: LimiterName): LoginPeers {
    return {
      share: (failure) => this.#tell({ berth: 'login-failed', limiter, failure }),
      onShare: (apply) => void this.#loginFailed.set(limiter, apply),
    };
  }

  /** Scheduled work runs in the worker the primary chose. */
  readonly lease: Lease = { acquire: async (job) => (await this.#request({ berth: 'lease', job })) === true };

  /** The metrics exposition of every worker, summed by the primary. */
  async scrape(): Promise<string> {
    return String(await this.#request({ berth: 'metrics' }));
  }

  /** Tell the primary something that needs no answer. */
  notify(msg: WorkerNotice): void {
    this.#send(msg);
  }

  /**
   * Tell the other workers something they may miss (a tag check, a failed login): when the
   * primary is gone this worker exits on 'disconnect' anyway, so the news is dropped quietly.
   */
  #tell(msg: WorkerNotice): void {
    try {
      this.notify(msg);
    } catch {
      // the primary is gone
    }
  }

  #request(msg: Request): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#send({ ...msg, id } as FromWorker);
    });
  }

  #send(msg: FromWorker): void {
    if (!process.send || !process.connected) throw new Error('cluster: the primary is gone');
    process.send(msg);
  }

  #onMessage(msg: FromPrimary): void {
    if (msg.berth === 'drop') {
      this.#drop?.(msg.paths);
      return this.notify({ berth: 'dropped', seq: msg.seq });
    }
    if (msg.berth === 'readonly') {
      this.#readOnly?.(msg.enabled, msg.by);
      return this.notify({ berth: 'dropped', seq: msg.seq });
    }
    if (msg.berth === 'gc-active') {
      const digests = this.#gcActive?.(msg.active) ?? [];
      if (msg.seq !== undefined) this.notify({ berth: 'gc-forwarded', seq: msg.seq, digests });
      return;
    }
    if (msg.berth === 'proxy-times') return this.#proxyTimes?.(msg.update);
    if (msg.berth === 'login-failed') return this.#loginFailed.get(msg.limiter)?.(msg.failure);
    if (msg.berth === 'gather') {
      // A worker still starting has nothing to count yet: it answers null, which adds nothing.
      return this.notify({ berth: 'gathered', seq: msg.seq, value: this.#answers.get(msg.what)?.() ?? null });
    }
    const pending = this.#pending.get(msg.id);
    if (!pending) return;
    this.#pending.delete(msg.id);
    if (msg.error !== undefined) pending.reject(new Error(`cluster: ${msg.error}`));
    else pending.resolve(msg.value);
  }
}
