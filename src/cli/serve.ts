/**
 * `berth serve`: start the registry (under http.workers > 1, a primary that supervises that
 * many worker processes, each running this same command); SIGTERM/SIGINT drain and stop it,
 * SIGHUP re-reads run-time switches.
 */
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { workerCount } from '../cluster/worker-count.js';
import { loadConfigDetailed } from '../config/load.js';
import type { Command } from './command.js';

/** The config file named by --config, else by BERTH_CONFIG, else none (defaults + env). */
export function configFileArg(args: string[]): { file: string | undefined; rest: string[] } {
  const { values, positionals } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, allowPositionals: true });
  return { file: values.config ?? process.env['BERTH_CONFIG'], rest: positionals };
}

export const serveCommand: Command = {
  name: 'serve',
  usage: ['berth serve [--config FILE]      start the registry (default: built-in defaults + BERTH_* env)'],
  async run(args) {
    // Loaded here, not at the top: `berth health` (the container's health probe, every 30 s)
    // then starts without the server's modules (express, the AWS SDK): ~0.3 s of CPU instead of ~1 s.
    const [{ createLogger }, { reloadRuntimeConfig }, { startServer }] = await Promise.all([
      import('../log.js'),
      import('../ops/reload.js'),
      import('../server.js'),
    ]);
    const { file } = configFileArg(args);
    const { config, notices } = await loadConfigDetailed(file);
    const log = createLogger(config.log.level, undefined, config.log.fields);
    const workers = workerCount(config.http.workers);
    if (workers > 1 && cluster.isPrimary) {
      // Once, at start: every registry:2 key that Berth does not honour, by name.
      for (const notice of notices) log.warn(`config: ${notice}`);
      const { supervise } = await import('../cluster/supervisor.js');
      supervise(workers, log, config.http.draintimeout);
      return -1;
    }
    if (cluster.isPrimary) for (const notice of notices) log.warn(`config: ${notice}`);
    const link = cluster.isWorker ? new (await import('../cluster/worker-link.js')).PrimaryLink() : undefined;
    const running = await startServer(config, log, link);
    link?.notify({ berth: 'ready', url: running.url });
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log.warn('second signal: exiting now', { signal });
        process.exit(1);
      }
      stopping = true;
      log.info('shutting down', { signal, draintimeoutMs: config.http.draintimeout });
      void running.close().then(() => {
        log.info('stopped');
        process.exit(0);
      });
      // Closers that hang must not keep the process alive past the drain by much.
      setTimeout(() => process.exit(1), config.http.draintimeout + 15_000).unref();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGHUP', () => void reloadRuntimeConfig(file, running.ops, log));
    return -1;
  },
};
