/** Starting and stopping the HTTP (or HTTPS, with http.tls) server for a configuration. */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import type { Config } from './config/schema.js';
import { createApp } from './http/app.js';
import { createLogger, type Logger } from './log.js';
import { createProxy } from './proxy/index.js';
import { createRegistry } from './registry/registry.js';
import { createDriver } from './storage/factory.js';
import { createTlsServer } from './tls/server.js';

/** A running Berth instance. */
export interface Running {
  server: Server;
  url: string;
  log: Logger;
  close(): Promise<void>;
}

/** Split Distribution-style "host:port", ":port" or "[v6]:port". */
export function parseAddr(addr: string): { host: string | undefined; port: number } {
  const i = addr.lastIndexOf(':');
  const host = addr.slice(0, i).replace(/^\[|\]$/g, '');
  return { host: host === '' ? undefined : host, port: Number(addr.slice(i + 1)) };
}

/** Build the registry for `config` and listen on its address. */
export async function startServer(config: Config, log: Logger = createLogger(config.log.level)): Promise<Running> {
  const driver = createDriver(config.storage);
  // A missing bucket or refused credentials stop the start here, not at the first push.
  await driver.check();
  const proxied = createProxy(config, log);
  const registry = createRegistry(driver, config.storage, proxied?.factories);
  const app = createApp({ config, registry, log, proxy: proxied?.proxy });
  const evictor = proxied?.evictor(registry);
  evictor?.start();
  const tls = config.http.tls ? createTlsServer(app, config.http.tls, log) : undefined;
  const httpServer: HttpServer = tls ? tls.https : createServer(app);
  const server: Server = tls ? tls.server : httpServer;
  // Layers of several GiB may take long: no whole-request timeout; idle sockets still time out.
  httpServer.requestTimeout = 0;
  httpServer.headersTimeout = 60_000;
  httpServer.keepAliveTimeout = 65_000;
  const { host, port } = parseAddr(config.http.addr);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  const shown = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  const url = `${tls ? 'https' : 'http'}://${shown}:${a.port}`;
  log.info('berth listening', { addr: url, storage: driver.name });
  return {
    server,
    url,
    log,
    close: () => {
      evictor?.stop();
      return tls
        ? tls.close()
        : new Promise<void>((resolve) => {
            httpServer.close(() => resolve());
            httpServer.closeIdleConnections();
          });
    },
  };
}
