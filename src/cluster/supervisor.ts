/**
 * The primary process under http.workers > 1: it forks the workers (the first alone, so
 * migrations and the first administrator happen once, then the rest), serves their
 * coordination (hub.ts), restarts one that dies (with a log line; the others keep serving),
 * forwards SIGHUP, and on SIGTERM/SIGINT lets every worker drain before it exits.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../log.js';
import { Hub } from './hub.js';
import { isBerthMessage, type FromWorker } from './protocol.js';

/** Pause before restarting a worker, so one that dies at once does not spin. */
const RESTART_DELAY_MS = 500;

/** Run the primary with `count` workers; resolves never (the process exits when stopped). */
export function supervise(count: number, log: Logger, drainTimeoutMs: number): void {
  const hub = new Hub(log);
  let stopping = false;
  let started = false;
  let readyCount = 0;
  let url = '';

  const fork = (): Worker => {
    const worker = cluster.fork();
    hub.attach(worker);
    worker.on('message', (msg: unknown) => {
      if (!isBerthMessage<FromWorker>(msg) || msg.berth !== 'ready') return;
      url = msg.url;
      if (started) return log.info('worker serving', { worker: worker.id, workerPid: worker.process.pid });
      // The first worker migrated the database and created what starts once: now the rest.
      if (++readyCount === 1) for (let i = 1; i < count; i++) fork();
      if (readyCount === count) {
        started = true;
        log.info('berth listening', { addr: url, workers: count });
      }
    });
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    hub.detach(worker.id);
    const left = Object.keys(cluster.workers ?? {}).length;
    if (stopping) {
      if (left === 0) {
        log.info('stopped');
        process.exit(0);
      }
      return;
    }
    if (!started) {
      // A worker that cannot start (port taken, bad storage) said why on stderr, in the one
      // line a single process prints: stop with it, adding nothing. Only a worker killed by a
      // signal said nothing.
      if (signal) log.error('worker killed while starting', { worker: worker.id, signal });
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(code || 1);
    }
    log.error('worker died; starting another', { worker: worker.id, workerPid: worker.process.pid, code, signal });
    setTimeout(() => void (stopping || fork()), RESTART_DELAY_MS).unref();
  });

  const signalAll = (signal: NodeJS.Signals): void => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
  };
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn('second signal: exiting now', { signal });
      signalAll('SIGKILL');
      process.exit(1);
    }
    stopping = true;
    log.info('shutting down', { signal, workers: Object.keys(cluster.workers ?? {}).length, draintimeoutMs: drainTimeoutMs });
    // Each worker drains its own requests (src/ops/drain.ts) and exits; the last one out ends the primary.
    signalAll('SIGTERM');
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    setTimeout(() => process.exit(1), drainTimeoutMs + 15_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => signalAll('SIGHUP'));
  fork();
}
