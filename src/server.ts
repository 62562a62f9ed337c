/** Starting and stopping the HTTP server for a configuration. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/schema.js';
import { createApp } from './http/app.js';
import { createLogger, type Logger } from './log.js';
import { createRegistry } from './registry/registry.js';
import { createDriver } from './storage/factory.js';

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
  const app = createApp({ config, registry: createRegistry(driver), log });
  const server = createServer(app);
  // Layers of several GiB may take long: no whole-request timeout; idle sockets still time out.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
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
  const url = `http://${shown}:${a.port}`;
  log.info('berth listening', { addr: url, storage: driver.name });
  return {
    server,
    url,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
