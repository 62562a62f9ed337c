/** Starting and stopping the HTTP (or HTTPS, with http.tls) server for a configuration. */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import type { Config } from './config/schema.js';
import { createApp } from './http/app.js';
import { createLogger, type Logger } from './log.js';
import { startDebugServer } from './ops/debug-server.js';
import { drain } from './ops/drain.js';
import { listen } from './ops/listen.js';
import { attachOps, createOps, type Ops } from './ops/ops.js';
import { createProxy } from './proxy/index.js';
import { createRegistry, registryOptions } from './registry/registry.js';
import { createDriver } from './storage/factory.js';
import { createTlsServer } from './tls/server.js';
import { Scheduler } from './ops/scheduler.js';
import { sql } from 'kysely';
import { createManagement } from './admin/setup.js';
import { auditPruneJob } from './admin/audit-log.js';
import { loadSite } from './ui/site.js';
import type { PrimaryLink } from './cluster/worker-link.js';
import type { LimiterName } from './auth/rate-limit.js';
import { setScrape } from './ops/metrics.js';

export { parseAddr } from './ops/listen.js';

/** A running Berth instance. */
export interface Running {
  server: Server;
  url: string;
  log: Logger;
  /** Health, read-only mode, requests in flight and shutdown closers of this process. */
  ops: Ops;
  /** Graceful stop: drain requests (up to http.draintimeout), then run the shutdown's closers. */
  close(): Promise<void>;
}

/** Build the registry for `config` and listen on its address. */
export async function startServer(
  config: Config,
  log: Logger = createLogger(config.log.level, undefined, config.log.fields),
  /** This worker's link to the primary under http.workers > 1 (src/cluster). */
  cluster?: PrimaryLink,
): Promise<Running> {
  const driver = createDriver(config.storage);
  // A missing bucket, refused credentials or an unwritable root stop the start here, not at the first push.
  await driver.check();
  const ops = createOps(config, log);
  const proxied = createProxy(config, log);
  const shared = cluster ? { peers: cluster.peers, locks: cluster.locks, pins: cluster.pins } : undefined;
  const registry = createRegistry(driver, { ...registryOptions(config), shared }, proxied?.factories);
  if (cluster && proxied) {
    proxied.proxy.sharedLocks = cluster.locks;
    // Tag checks, pull times and counters hold across the workers, as in one process.
    proxied.proxy.shareWith(cluster.proxy);
  }
  if (cluster) {
    setScrape(() => cluster.scrape());
    ops.readOnly.shareWith(cluster.readOnly.broadcast);
    cluster.readOnly.onSwitch((enabled, by) => ops.readOnly.set(enabled, by));
  }
  attachOps(ops, config, registry, driver, proxied?.proxy);
  // The metadata database (migrated here), accounts when on, and the auth that consults them.
  const management = await createManagement({ config, registry, log });
  // Closers run last-registered first: the database closes after the scheduler and the listener.
  ops.shutdown.add('database', () => management.close());
  const database = management.services.database;
  ops.readiness.add('database', () => sql`select 1`.execute(database.kysely).then(() => undefined));
  const { auth, visibility } = management;
  const ui = config.ui.enabled ? loadSite() : undefined;
  const logins = cluster ? (limiter: LimiterName) => cluster.logins(limiter) : undefined;
  const app = createApp({ config, registry, log, proxy: proxied?.proxy, auth, visibility, ui, ops, management, logins });
  const scheduler = new Scheduler(log, cluster?.lease);
  if (proxied) scheduler.add(proxied.evictor(registry).job());
  scheduler.add(auditPruneJob(management.services.stores.audit, config.audit, log));
  scheduler.add(ops.gc!.job());
  scheduler.add(ops.uploadPurger!.job());
  const tls = config.http.tls ? createTlsServer(app, config.http.tls, log) : undefined;
  const httpServer: HttpServer = tls ? tls.https : createServer(app);
  const server: Server = tls ? tls.server : httpServer;
  // Layers of several GiB may take long: no whole-request timeout; idle sockets still time out.
  httpServer.requestTimeout = 0;
  httpServer.headersTimeout = 60_000;
  httpServer.keepAliveTimeout = 65_000;
  await listen(server, 'http.addr', config.http.addr);
  const debug = await startDebugServer(config, ops).catch(async (err: unknown) => {
    server.close();
    throw err;
  });
  scheduler.start();
  ops.shutdown.add('scheduler', () => scheduler.stop());
  if (tls) ops.shutdown.add('tls', () => tls.close());
  if (debug) {
    ops.shutdown.add('debug server', () => {
      debug.close();
      debug.closeAllConnections();
    });
  }
  const a = server.address() as AddressInfo;
  const shown = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  const url = `${tls ? 'https' : 'http'}://${shown}:${a.port}`;
  // Under workers the primary says "berth listening" once every worker does.
  log.info(cluster ? 'worker listening' : 'berth listening', {
    addr: url,
    storage: driver.name,
    ...(debug ? { debug: config.http.debug.addr } : {}),
    ...(ops.readOnly.enabled ? { readonly: true } : {}),
  });
  let closing: Promise<void> | undefined;
  return {
    server,
    url,
    log,
    ops,
    close: () =>
      (closing ??= (async () => {
        await drain({ listener: server, http: httpServer }, ops, config.http.draintimeout, log);
        await ops.shutdown.run();
      })()),
  };
}
