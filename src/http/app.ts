/**
 * The Express app and its one request pipeline, built once:
 * request id, API version header and access log → token endpoints → (pull-through cache
 * stage, when on) → /v2 dispatcher (name, then authorize, then handler) → error middleware.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { createAuth, type Auth } from '../auth/setup.js';
import type { Deps } from './context.js';
import { errorMiddleware, HttpError } from './error-table.js';
import { v2Dispatcher } from './routes.js';
import { mountProxyStats, proxyStage } from '../proxy/http.js';

/** The server's request handler: what createServer() and supertest take. */
export type App = (req: IncomingMessage, res: ServerResponse) => void;

/** What createApp needs; auth is built from the config when not given. */
export type AppDeps = Omit<Deps, 'auth'> & { auth?: Auth };

/**
 * Build the app over its dependencies. /v2 requests, nearly all of a registry's traffic, take
 * the same pipeline without Express's router, whose layer matching cost about 15% of the CPU
 * of a blob HEAD (measured with --cpu-prof and per-request CPU time). They still get
 * Express's request and response objects, as app.handle() would give them.
 */
export function createApp(appDeps: AppDeps): App {
  const auth = appDeps.auth ?? createAuth(appDeps.config, appDeps.log);
  const deps: Deps = { ...appDeps, auth: auth.controller };
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  // Location headers use the scheme the client used, also behind a TLS-terminating proxy.
  app.set('trust proxy', true);

  const begin = beginRequest(deps);
  const dispatch = withProxyStage(deps, v2Dispatcher(deps));
  const onError = errorMiddleware(deps.log);
  const notFound = () => new HttpError(404, 'UNSUPPORTED', 'no such endpoint');
  app.use((req, res, next) => {
    begin(req, res);
    next();
  });
  // The token endpoints live outside /v2, so they go through Express.
  if (auth.router) app.use(auth.router);
  if (deps.proxy) mountProxyStats(app, deps.proxy);
  app.use(dispatch);
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

/** The first step of every request: API version and request id headers, and the access log. */
function beginRequest(deps: Deps): (req: Request, res: Response) => void {
  let seq = 0;
  const prefix = randomBytes(4).toString('hex');
  const logAccess = !deps.config.log.accesslog.disabled;
  return (req, res) => {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    res.setHeader('X-Request-Id', req.get('x-request-id') ?? `${prefix}-${(seq++).toString(36)}`);
    if (!logAccess) return;
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      deps.log.info('request', { method: req.method, url: req.originalUrl, status: res.statusCode, ms: Math.round(ms * 10) / 10 });
    });
  };
}
