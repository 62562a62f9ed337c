/**
 * The Express app and its one request pipeline, built once:
 * request id, API version header and access log → token endpoints → management API
 * (/api/v1, its own router) → (pull-through cache stage, when on) → /v2 dispatcher (name, then authorize, then handler) → web UI (when on)
 * → error middleware.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { LimiterName, LoginPeers } from '../auth/rate-limit.js';
import { createAuth, type Auth } from '../auth/setup.js';
import { OPERATIONS_ACCESS } from '../auth/route-access.js';
import type { Deps } from './context.js';
import { errorMiddleware, HttpError } from './error-table.js';
import { v2Dispatcher } from './routes.js';
import { mountProxyStats, proxyStage } from '../proxy/http.js';
import { Readiness } from '../ops/health.js';
import type { Ops } from '../ops/ops.js';
import { HEALTH_PATHS, liveness, metricsHandler, readiness } from './ops-routes.js';
import { requestObserver } from './observe.js';
import { uiHandler } from '../ui/handler.js';
import type { Site } from '../ui/site.js';
import type { Management } from '../admin/setup.js';
import { API_BASE, apiDeps, createApi, dockerSearch } from '../api/index.js';
import type { ProjectUsage } from '../api/project-usage.js';

/** Where the operations endpoints live (the proxy's statistics...): always behind auth. */
export const OPERATIONS_PREFIX = '/_berth';

/** The server's request handler: what createServer() and supertest take. */
export type App = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * What createApp needs; auth is built from the config when not given; the web UI is served
 * when given. Without `ops` (tests), /readyz has no checks and nothing is drained or measured.
 */
export type AppDeps = Omit<Deps, 'auth'> & {
  auth?: Auth;
  ui?: Site;
  ops?: Ops;
  /** The management services: with them the management API answers at /api/v1. */
  management?: Management;
  /** Repository count and storage per project for the API (the artifact index gives it; default: the catalog). */
  usage?: ProjectUsage;
  /** Under http.workers: the other workers' side of each failed-login limiter (src/cluster). */
  logins?: (limiter: LimiterName) => LoginPeers;
};

/**
 * Build the app over its dependencies. /v2 requests, nearly all of a registry's traffic, take
 * the same pipeline without Express's router, whose layer matching cost about 15% of the CPU
 * of a blob HEAD (measured with --cpu-prof and per-request CPU time). They still get
 * Express's request and response objects, as app.handle() would give them.
 */
export function createApp(appDeps: AppDeps): App {
  const auth = appDeps.auth ?? createAuth(appDeps.config, appDeps.log, { events: appDeps.registry.events });
  const deps: Deps = { ...appDeps, auth: auth.controller };
  // A password guesser gets `attempts` per address across the workers, not per worker.
  if (appDeps.logins) auth.limiter.shareWith(appDeps.logins('auth'));
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  // Location headers, token realms and logged addresses use what the client sent only through
  // a configured proxy: X-Forwarded-* from any other peer is ignored (it could say anything).
  const proxies = deps.config.http.trustedproxies;
  app.set('trust proxy', proxies.length > 0 ? proxies : false);

  const begin = beginRequest(deps, appDeps.ops);
  const dispatch = withProxyStage(deps, v2Dispatcher(deps));
  const onError = errorMiddleware(deps.log);
  const notFound = () => new HttpError(404, 'UNSUPPORTED', 'no such endpoint');
  app.use((req, res, next) => {
    begin(req, res);
    next();
  });
  // Health and metrics live outside /v2 and before auth: probes carry no credentials.
  app.get(HEALTH_PATHS.live, liveness);
  app.get(HEALTH_PATHS.ready, readiness(appDeps.ops?.readiness ?? new Readiness(1000)));
  const prometheus = deps.config.http.debug;
  if (appDeps.ops?.metrics && prometheus.addr === undefined) app.get(prometheus.prometheus.path, metricsHandler(auth.controller));
  // The token endpoints live outside /v2, so they go through Express.
  if (auth.router) app.use(auth.router);
  // Operations endpoints show upstream URLs and internals: behind auth like the registry.
  app.use(OPERATIONS_PREFIX, (req, _res, next) => void auth.controller.authorize(req, OPERATIONS_ACCESS).then(() => next(), next));
  if (deps.proxy) mountProxyStats(app, deps.proxy);
  if (appDeps.management) {
    const { config, log, registry, proxy, management, usage } = appDeps;
    const apiOptions = { config, log, registry, proxy, management, usage, readOnly: appDeps.ops?.readOnly, gc: appDeps.ops?.gc };
    const shared = apiDeps(apiOptions);
    // The API's logins count in a limiter of their own, as in one process.
    if (appDeps.logins) shared.limiter.shareWith(appDeps.logins('api'));
    app.use(API_BASE, createApi(apiOptions, shared));
    app.use(dockerSearch(shared, appDeps.visibility));
  }
  app.use(dispatch);
  // Last before the 404: the UI answers only what no API path claims.
  if (appDeps.ui) app.use(uiHandler(appDeps.ui, deps.log));
  app.use((_req, _res, next) => next(notFound()));
  app.use(onError);

  const v2 = (req: Request, res: Response): void => {
    begin(req, res);
    const fail = (err: unknown) => onError(err, req, res, () => {});
    dispatch(req, res, (err?: unknown) => fail(err ?? notFound()));
  };
  return (req, res) => {
    if (!req.url?.startsWith('/v2')) return void app(req, res);
    // What app.handle() does before its router runs.
    Object.setPrototypeOf(req, app.request);
    Object.setPrototypeOf(res, app.response);
    const r = req as Request;
    const s = res as Response;
    r.res = s;
    s.req = r;
    // ...and what its router sets on the way in.
    r.originalUrl = r.url;
    r.baseUrl = '';
    s.locals = Object.create(null) as Response['locals'];
    v2(r, s);
  };
}

/** The dispatcher, behind the pull-through cache's stage when the proxy is on. */
function withProxyStage(deps: Deps, dispatch: RequestHandler): RequestHandler {
  if (!deps.proxy) return dispatch;
  const stage = proxyStage(deps.proxy);
  return (req, res, next) => stage(req, res, (err?: unknown) => (err ? next(err) : dispatch(req, res, next)));
}

/**
 * The first step of every request: API version and request id headers, then the observer
 * (configured headers, in-flight count, metrics, access log; see observe.ts).
 */
function beginRequest(deps: Deps, ops: Ops | undefined): (req: Request, res: Response) => void {
  let seq = 0;
  const prefix = randomBytes(4).toString('hex');
  const observe = requestObserver({
    log: deps.log,
    accessLog: !deps.config.log.accesslog.disabled,
    metrics: ops?.metrics ?? false,
    inFlight: ops?.inFlight,
    headers: deps.config.http.headers,
  });
  return (req, res) => {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    res.setHeader('X-Request-Id', req.get('x-request-id') ?? `${prefix}-${(seq++).toString(36)}`);
    observe(req, res);
  };
}
