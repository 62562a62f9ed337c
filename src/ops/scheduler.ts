/**
 * The one scheduler for periodic work (proxy cache eviction, and garbage collection, upload
 * purging, audit pruning, retention and webhook delivery as they come). Work that runs on a
 * schedule runs once: each run first asks the lease whether this process is the runner (the
 * only process on one machine; the primary's chosen worker under http.workers; the holder of
 * an advisory lock across replicas on PostgreSQL). Runs of one job never overlap.
 */
import type { Logger } from '../log.js';

/** Decides whether this process may run scheduled work now. */
export interface Lease {
  /** True when this process holds (or just took) the right to run `job`. */
  acquire(job: string): Promise<boolean>;
  /** Give the right back after a run (a no-op for leases held for the process's life). */
  release?(job: string): Promise<void>;
}

/** The lease of a process that is alone: it always runs. */
export const soleLease: Lease = { acquire: async () => true };

/** A periodic job. */
export interface Job {
  name: string;
  /** Milliseconds between the end of one run and the start of the next; 0 disables the job. */
  every: number;
  run(): Promise<unknown>;
}

/** Runs registered jobs on their intervals, once across the processes sharing the lease. */
export class Scheduler {
  private readonly jobs = new Map<string, Job>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private started = false;

  constructor(
    private readonly log: Logger,
    private lease: Lease = soleLease,
  ) {}

  /** Replace the lease (set by the worker supervisor or the database layer before start()). */
  setLease(lease: Lease): void {
    this.lease = lease;
  }

  /** Register a job; started at once when the scheduler already runs. */
  add(job: Job): void {
    if (this.jobs.has(job.name)) throw new Error(`scheduler: job ${job.name} registered twice`);
    this.jobs.set(job.name, job);
    if (this.started) this.arm(job);
  }

  /** Start every registered job's timer. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const job of this.jobs.values()) this.arm(job);
  }

  /** Run a job now (an API trigger or a test), whether or not its timer is due; runs never overlap. */
  async runNow(name: string): Promise<boolean> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`scheduler: no job named ${name}`);
    return this.runOnce(job);
  }

  /** Stop the timers and wait for runs in progress. */
  async stop(): Promise<void> {
    this.started = false;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  private arm(job: Job): void {
    if (job.every <= 0 || !this.started) return;
    const timer = setTimeout(() => {
      void this.runOnce(job).finally(() => this.arm(job));
    }, job.every);
    timer.unref();
    this.timers.set(job.name, timer);
  }

  /** One run under the lease; false when another process holds it or a run is in progress. */
  private async runOnce(job: Job): Promise<boolean> {
    if (this.running.has(job.name)) return false;
    let done!: () => void;
    this.running.set(job.name, new Promise<void>((r) => (done = r)));
    try {
      if (!(await this.lease.acquire(job.name))) return false;
      try {
        await job.run();
      } finally {
        await this.lease.release?.(job.name);
      }
      return true;
    } catch (err) {
      this.log.error('scheduled job failed', { job: job.name, error: err instanceof Error ? err.message : String(err) });
      return false;
    } finally {
      this.running.delete(job.name);
      done();
    }
  }
}
