/**
 * The garbage collector as a service: `run(options)` does one online mark-and-sweep and
 * resolves with its report (it never throws: a failure is `ok: false` with its errors), and
 * `status()` says whether a run is in progress and how the last one went. The scheduler runs
 * it on `gc.interval`; the CLI and the management API call the same two methods.
 *
 * Why a run is safe while Berth serves: see mark.ts, sweep.ts and src/registry/pins.ts, and
 * the README's "Garbage collection" section.
 */
import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../log.js';
import type { Pins } from '../../registry/pins.js';
import { CachingDriver } from '../../storage/cache.js';
import type { StorageDriver } from '../../storage/driver.js';
import { recordGcRun } from '../metrics.js';
import type { Job } from '../scheduler.js';
import { mark } from './mark.js';
import { scanBlobs, scanRepositories } from './scan.js';
import { sweepBlobs, sweepManifests, type Swept } from './sweep.js';

/** What one run may be asked to do differently from the configured defaults. */
export interface GcOptions {
  /** Report what would go, delete nothing. */
  dryRun?: boolean;
  /** Also delete manifests no tag reaches (never an index child or referrer of a kept one). */
  deleteUntagged?: boolean;
  /** Content younger than this (ms) is never swept. */
  gracePeriodMs?: number;
}

/** The collector's settings (config `gc`, plus what the process provides). */
export interface GcSettings {
  gracePeriodMs: number;
  deleteUntagged: boolean;
  /** Scheduled runs only report (config `gc.dryrun`); a run's own option wins. */
  dryRun?: boolean;
  /** Milliseconds between scheduled runs; 0: no schedule. */
  intervalMs: number;
  /** While enabled, runs delete nothing (read-only mode). */
  readOnly?: { readonly enabled: boolean };
  /** Record runs in the Prometheus metrics. */
  metrics?: boolean;
  log?: Logger;
  /** The clock (ms); tests move it forward instead of waiting out a grace period. */
  now?: () => number;
}

/** What one run did (a dry run: what it would have done). */
export interface GcReport {
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  dryRun: boolean;
  /** True when the run was a dry run because read-only mode was on. */
  readOnly: boolean;
  deleteUntagged: boolean;
  gracePeriodMs: number;
  repositories: number;
  /** Manifest revisions and blobs found. */
  scanned: { manifests: number; blobs: number };
  freedBytes: number;
  freedBlobs: number;
  freedManifests: number;
  /** Candidates spared at the last moment (written since the cutoff, tagged meanwhile, pinned by a push). */
  spared: number;
  errors: string[];
}

/** A report with what was swept, digest by digest. */
export interface GcRun extends GcReport {
  swept: { blobs: string[]; manifests: { repository: string; digest: string }[] };
}

/** What status() tells. */
export interface GcStatus {
  running: boolean;
  /** The run in progress. */
  current?: { startedAt: string; dryRun: boolean; deleteUntagged: boolean };
  /** The last finished run (without the digest lists). */
  last?: GcReport;
}

/** The online garbage collector of one registry. */
export class GarbageCollector {
  #current: { promise: Promise<GcRun>; info: NonNullable<GcStatus['current']> } | undefined;
  #last: GcReport | undefined;

  constructor(
    private readonly registry: { driver: StorageDriver; pins: Pins; events: EventBus },
    private readonly settings: GcSettings,
  ) {}

  /** One run with `options` over the configured defaults; joins the run in progress if there is one. */
  run(options: GcOptions = {}): Promise<GcRun> {
    if (this.#current) return this.#current.promise;
    const now = this.settings.now ?? Date.now;
    const readOnly = this.settings.readOnly?.enabled === true;
    const opts = {
      dryRun: options.dryRun === true || readOnly,
      readOnly: readOnly && options.dryRun !== true,
      deleteUntagged: options.deleteUntagged ?? this.settings.deleteUntagged,
      gracePeriodMs: options.gracePeriodMs ?? this.settings.gracePeriodMs,
    };
    const started = now();
    const info = { startedAt: new Date(started).toISOString(), dryRun: opts.dryRun, deleteUntagged: opts.deleteUntagged };
    const promise = this.#run(opts, started, now).finally(() => (this.#current = undefined));
    this.#current = { promise, info };
    return promise;
  }

  /** Whether a run is in progress, and the last run's report. */
  status(): GcStatus {
    return {
      running: this.#current !== undefined,
      ...(this.#current ? { current: this.#current.info } : {}),
      ...(this.#last ? { last: this.#last } : {}),
    };
  }

  /** The scheduled job (`gc.interval`; 0 leaves it off). */
  job(): Job {
    return { name: 'gc', every: this.settings.intervalMs, run: () => this.run({ dryRun: this.settings.dryRun === true }) };
  }

  async #run(
    opts: GcOptions & { dryRun: boolean; readOnly: boolean; deleteUntagged: boolean; gracePeriodMs: number },
    started: number,
    now: () => number,
  ): Promise<GcRun> {
    const { driver, pins, events } = this.registry;
    const fresh = driver instanceof CachingDriver ? driver.uncached : driver;
    const endRun = await pins.beginRun();
    const cutoff = started - opts.gracePeriodMs;
    const swept: Swept = { manifests: [], blobs: [], spared: 0, errors: [] };
    let repositories = 0;
    const scanned = { manifests: 0, blobs: 0 };
    try {
      const repos = await scanRepositories(fresh);
      repositories = [...repos.values()].filter((r) => r.revisions.size > 0 || r.tags.size > 0).length;
      const marked = await mark(fresh, repos.values(), { deleteUntagged: opts.deleteUntagged, cutoff, pinned: (d) => pins.isPinned(d) });
      scanned.manifests = marked.graphs.reduce((n, g) => n + g.scan.revisions.size, 0);
      const ctx = { driver, fresh, pins, events, cutoff, dryRun: opts.dryRun };
      if (opts.deleteUntagged) await sweepManifests(ctx, marked, swept);
      // Listed after the mark: a blob stored meanwhile is newer than the cutoff anyway.
      const blobs = await scanBlobs(fresh);
      scanned.blobs = blobs.length;
      await sweepBlobs(ctx, marked, blobs, repos.values(), swept);
    } catch (err) {
      swept.errors.push((err as Error).message);
    } finally {
      endRun();
    }
    const finished = now();
    const run: GcRun = {
      ok: swept.errors.length === 0,
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      durationMs: finished - started,
      dryRun: opts.dryRun,
      readOnly: opts.readOnly,
      deleteUntagged: opts.deleteUntagged,
      gracePeriodMs: opts.gracePeriodMs,
      repositories,
      scanned,
      freedBytes: swept.blobs.reduce((n, b) => n + b.size, 0),
      freedBlobs: swept.blobs.length,
      freedManifests: swept.manifests.length,
      spared: swept.spared,
      errors: swept.errors,
      swept: { blobs: swept.blobs.map((b) => b.digest).sort(), manifests: swept.manifests },
    };
    const { swept: _lists, ...report } = run;
    this.#last = report;
    if (this.settings.metrics) recordGcRun(report);
    const log = this.settings.log;
    if (run.ok) log?.info('gc run finished', { ...report });
    else log?.error('gc run failed', { ...report });
    return run;
  }
}
