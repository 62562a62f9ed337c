/**
 * Mounting the management API at /api/v1: its dependencies from what the server built, the
 * OpenAPI document, and the router made from the route table.
 */
import type { GarbageCollector } from '../ops/gc/collector.js';
import express, { type Router } from 'express';
import type { Management } from '../admin/setup.js';
import { createLoginLimiter } from '../auth/rate-limit.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { ReadOnlyState } from '../ops/read-only.js';
import type { ProxyService } from '../proxy/proxy-service.js';
import type { Registry } from '../registry/registry.js';
import { openApiDocument } from './openapi.js';
import type { ProjectUsage } from './project-usage.js';
import { indexUsage } from './index-usage.js';
import type { ApiDeps, AuthMode } from './route.js';
import { apiRouter } from './router.js';
import { API_ROUTES } from './routes/index.js';

export { API_BASE } from './openapi.js';
export { dockerSearch } from './docker-search.js';

/** What the API needs from the server. */
export interface ApiOptions {
  config: Config;
  log: Logger;
  registry: Registry;
  management: Management;
  readOnly?: ReadOnlyState;
  gc?: GarbageCollector;
  proxy?: ProxyService;
  /** Project usage (default: counted from the catalog, storage unknown). */
  usage?: ProjectUsage;
}

/** How `config` authenticates registry clients. */
export function authModeOf(config: Config): AuthMode {
  if (config.auth.htpasswd) return 'htpasswd';
  if (config.auth.token?.server?.accounts) return 'accounts';
  return config.auth.token ? 'token' : 'off';
}

/** The dependencies of the API's handlers (and of docker search) for `opts`. */
export function apiDeps(opts: ApiOptions): ApiDeps {
  const { config } = opts;
  return {
    config,
    log: opts.log,
    registry: opts.registry,
    services: opts.management.services,
    auth: opts.management.auth,
    authMode: authModeOf(config),
    limiter: createLoginLimiter(config.auth.ratelimit.attempts, config.auth.ratelimit.window),
    readOnly: opts.readOnly,
    gc: opts.gc,
    proxy: opts.proxy,
    usage: opts.usage ?? indexUsage(opts.management.services.stores.index),
    indexer: opts.management.indexer,
    audit: opts.management.audit,
  };
}

/** The /api/v1 router (mount it at API_BASE). */
export function createApi(opts: ApiOptions, deps: ApiDeps = apiDeps(opts)): Router {
  // The document is the same for every request: built on first ask, then kept.
  let document: string | undefined;
  const outer = express.Router();
  outer.get('/openapi.json', (_req, res) => void res.type('application/json').send((document ??= JSON.stringify(openApiDocument()))));
  outer.use(apiRouter(deps, API_ROUTES));
  return outer;
}
