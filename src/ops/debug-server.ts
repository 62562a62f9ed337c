/**
 * The debug server on http.debug.addr (Distribution's name): /metrics without auth, and the
 * health endpoints, on an address meant for the monitoring network only.
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import { liveness, metricsHandler, readiness, HEALTH_PATHS } from '../http/ops-routes.js';
import type { Config } from '../config/schema.js';
import { listen } from './listen.js';
import type { Ops } from './ops.js';

/** Start the debug server when http.debug.addr is set; resolves with it (undefined otherwise). */
export async function startDebugServer(config: Config, ops: Ops): Promise<Server | undefined> {
  const debug = config.http.debug;
  if (!debug.addr) return undefined;
  const app = express();
  app.disable('x-powered-by');
  app.get(HEALTH_PATHS.live, liveness);
  app.get(HEALTH_PATHS.ready, readiness(ops.readiness));
  if (ops.metrics && debug.prometheus.enabled) app.get(debug.prometheus.path, metricsHandler());
  const server = createServer(app);
  await listen(server, 'http.debug.addr', debug.addr);
  return server;
}
