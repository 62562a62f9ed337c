/**
 * The operations state of one Berth process, built once at start: readiness checks, the
 * read-only switch (a write guard), requests in flight, the shutdown's closers, and whether
 * metrics are recorded. The HTTP app, the debug server and the CLI share it.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { ProxyService } from '../proxy/proxy-service.js';
import type { Registry } from '../registry/registry.js';
import type { BaseDriver } from '../storage/base.js';
import { GarbageCollector } from './gc/collector.js';
import { Readiness } from './health.js';
import { InFlight } from './in-flight.js';
import { instrumentRegistry } from './instrument.js';
import { ReadOnlyState } from './read-only.js';
import { Shutdown } from './shutdown.js';
import { UploadPurger } from './upload-purge.js';

/** The process's operations state. */
export interface Ops {
  /** The process's logger (the maintenance jobs log through it). */
  log: Logger;
  /** Named readiness checks behind /readyz (the database adds its own). */
  readiness: Readiness;
  /** Read-only mode, switchable at run time. */
  readOnly: ReadOnlyState;
  /** Requests being served, for the drain at shutdown. */
  inFlight: InFlight;
  /** Named closers run at shutdown (the database adds its own). */
  shutdown: Shutdown;
  /** Whether Prometheus metrics are recorded (http.debug.prometheus.enabled). */
  metrics: boolean;
  /** The online garbage collector (`run`, `status`), once attachOps() has a registry. */
  gc?: GarbageCollector;
  /** Stale upload purging, once attachOps() has a registry. */
  uploadPurger?: UploadPurger;
}

/** Build the operations state for `config`. */
export function createOps(config: Config, log: Logger): Ops {
  return {
    log,
    readiness: new Readiness(config.health.timeout),
    readOnly: new ReadOnlyState(config.storage.maintenance.readonly.enabled, log),
    inFlight: new InFlight(),
    shutdown: new Shutdown(log),
    metrics: config.http.debug.prometheus.enabled,
  };
}

/** Connect the state to a registry: the read-only guard, the maintenance jobs, the storage check, the metrics. */
export function attachOps(ops: Ops, config: Config, registry: Registry, base: BaseDriver, proxy?: ProxyService): void {
  registry.guards.add('read-only', ops.readOnly.guard());
  const { gc, storage } = config;
  ops.gc = new GarbageCollector(registry, {
    gracePeriodMs: gc.graceperiod,
    deleteUntagged: gc.deleteuntagged,
    dryRun: gc.dryrun,
    intervalMs: gc.interval,
    readOnly: ops.readOnly,
    metrics: ops.metrics,
    log: ops.log,
  });
  ops.uploadPurger = new UploadPurger(registry.driver, { ...storage.maintenance.uploadpurging, readOnly: ops.readOnly, log: ops.log });
  if (config.health.storagedriver.enabled) ops.readiness.add('storage', () => base.check());
  if (ops.metrics) {
    const stop = instrumentRegistry(registry, base, { proxy, readOnly: ops.readOnly });
    ops.shutdown.add('metrics', stop);
  }
}
