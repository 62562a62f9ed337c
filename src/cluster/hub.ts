/**
 * What the primary does for its workers: named locks (one upload writer, one upstream fetch
 * per blob), the pins that keep a collector run in one worker off what a push in another relies
 * on, cache invalidation fanned out to every other worker and acknowledged before the
 * writer's response, the choice of the one worker that runs scheduled jobs, metrics summed
 * over the workers (prom-client's AggregatorRegistry), the pull-through cache's tag checks,
 * pull times and failed logins passed on to every other worker, and answers gathered from the
 * other workers.
 */
import type { Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from '../log.js';
import { NamedLocks } from './named-locks.js';
import { PinBoard } from './pin-board.js';
import { isBerthMessage, type FromPrimary, type FromWorker } from './protocol.js';

/** How long a `gather` waits for the other workers: one that is stuck must not hang the asker. */
const GATHER_TIMEOUT_MS = 2000;

/** The primary's coordination state for its workers. */
export class Hub {
  readonly locks = new NamedLocks();
  readonly pins = new PinBoard(
    (id, notice) => {
      const worker = this.#workers.get(id);
      if (worker) this.#send(worker, { berth: 'gc-active', ...notice });
    },
    () => this.#linked,
  );
  readonly #workers = new Map<number, Worker>();
  /**
   * Workers that said hello: they handle `drop`. One still booting has no cache yet, and its
   * IPC messages would wait for its boot (seconds): a write must not wait for it.
   */
  readonly #linked = new Set<number>();
  #seq = 0;
  /** Fan-outs waiting for acks: which workers have not answered yet, and what those that did said. */
  readonly #drops = new Map<number, { waiting: Set<number>; values: unknown[]; done: (values: unknown[]) => void }>();
  /** The worker running scheduled jobs (the first to ask once the last one is gone). */
  #runner: number | undefined;
  readonly #aggregator = new AggregatorRegistry();

  constructor(private readonly log: Logger) {}

  /** Serve a new worker's requests. */
  attach(worker: Worker): void {
    this.#workers.set(worker.id, worker);
    // A worker killed a moment ago stays attached until its 'exit' event (which detaches it and
    // settles what waits for it). A message sent to it meanwhile, by the hub or by node:cluster
    // itself (a connection handed over), fails later as an 'error' event on the Worker; an
    // unhandled one would end the primary and every worker with it.
    worker.on('error', (err: Error) => this.log.debug('cluster: send to a gone worker', { worker: worker.id, error: String(err) }));
    worker.on('message', (msg: unknown) => {
      if (isBerthMessage<FromWorker>(msg)) this.#onMessage(worker, msg);
    });
  }

  /** A worker is gone: free its locks, stop waiting for its acks, pick another runner. */
  detach(id: number): void {
    this.#workers.delete(id);
    this.#linked.delete(id);
    this.locks.releaseAll(id);
    this.pins.releaseAll(id);
    for (const seq of [...this.#drops.keys()]) this.#acked(seq, id);
    if (this.#runner === id) this.#runner = undefined;
  }

  #onMessage(worker: Worker, msg: FromWorker): void {
    const reply = (value?: unknown, error?: string): void =>
      this.#send(worker, { berth: 'reply', id: (msg as { id: number }).id, value, error });
    switch (msg.berth) {
      case 'lock':
        return this.locks.acquire(msg.name, worker.id, () => reply());
      case 'unlock':
        return this.locks.release(msg.name, worker.id);
      case 'invalidate':
        return this.#fanOut(
          worker.id,
          (seq) => ({ berth: 'drop', seq, paths: msg.paths }),
          () => reply(),
        );
      case 'readonly':
        return this.#fanOut(
          worker.id,
          (seq) => ({ berth: 'readonly', seq, enabled: msg.enabled, by: msg.by }),
          () => reply(),
        );
      case 'gather':
        return this.#fanOut(
          worker.id,
          (seq) => ({ berth: 'gather', seq, what: msg.what }),
          (values) => reply(values),
          GATHER_TIMEOUT_MS,
        );
      case 'dropped':
        return this.#acked(msg.seq, worker.id);
      case 'gathered':
        return this.#acked(msg.seq, worker.id, msg.value);
      case 'proxy-times':
        // No ack: the sender does not wait. It sends a tag check before its response, so the
        // others have it before the client's next request in practice.
        return this.#tellOthers(worker.id, msg);
      case 'login-failed':
        // No ack either: a login never waits on IPC. The failure is sent before the 401 leaves,
        // so the others have it before the client's next attempt in practice.
        return this.#tellOthers(worker.id, msg);
      case 'pin':
        return this.pins.pin(worker.id, msg.digests, () => reply());
      case 'unpin':
        return this.pins.unpin(worker.id, msg.digests);
      case 'gc-begin':
        return this.pins.begin(worker.id, msg.digests, () => reply());
      case 'gc-forwarded':
        return this.pins.forwarded(worker.id, msg.seq, msg.digests);
      case 'gc-end':
        return this.pins.end(worker.id);
      case 'claim':
        return reply(this.pins.claim(worker.id, msg.digest));
      case 'claimed':
        return this.pins.claimed(worker.id, msg.digest);
      case 'lease':
        this.#runner ??= worker.id;
        return reply(this.#runner === worker.id);
      case 'metrics':
        return void this.#aggregator.clusterMetrics().then(
          (text) => reply(text),
          (err: unknown) => reply(undefined, err instanceof Error ? err.message : String(err)),
        );
      case 'hello':
        this.#linked.add(worker.id);
        return this.pins.hello(worker.id);
      case 'ready':
        return;
    }
  }

  /** Pass a notice on to every other linked worker (no ack). */
  #tellOthers(from: number, msg: FromPrimary): void {
    for (const id of this.#linked) {
      if (id !== from) this.#send(this.#workers.get(id)!, msg);
    }
  }

  /**
   * Send every other linked worker the message `make` builds, then `done` with their answers
   * once each has acknowledged it, or after `timeoutMs` with the answers so far.
   */
  #fanOut(from: number, make: (seq: number) => FromPrimary, done: (values: unknown[]) => void, timeoutMs?: number): void {
    const waiting = new Set([...this.#linked].filter((id) => id !== from));
    if (waiting.size === 0) return done([]);
    const seq = ++this.#seq;
    this.#drops.set(seq, { waiting, values: [], done });
    for (const id of waiting) this.#send(this.#workers.get(id)!, make(seq));
    if (timeoutMs !== undefined) setTimeout(() => this.#settle(seq), timeoutMs).unref();
  }

  #acked(seq: number, worker: number, value?: unknown): void {
    const entry = this.#drops.get(seq);
    if (!entry || !entry.waiting.delete(worker)) return;
    // A worker with nothing to say (still starting) answers null: nothing to add.
    if (value !== undefined && value !== null) entry.values.push(value);
    if (entry.waiting.size === 0) this.#settle(seq);
  }

  /** Finish fan-out `seq` with the answers it has (if it is still open). */
  #settle(seq: number): void {
    const entry = this.#drops.get(seq);
    if (!entry) return;
    this.#drops.delete(seq);
    entry.done(entry.values);
  }

  /** Send a worker one of our messages (a failure comes as the 'error' event attach() handles). */
  #send(worker: Worker, msg: FromPrimary): void {
    worker.send(msg);
  }
}
