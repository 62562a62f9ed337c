/**
 * The Express app and its one request pipeline, built once:
 * request id → API version header → (access log) → (pull-through cache context, when on) →
 * /v2 dispatcher → error middleware.
 * Authentication and authorization slot in before the dispatcher (their own issue).
 */
import { randomBytes } from 'node:crypto';
import express, { type Express } from 'express';
import type { Deps } from './context.js';
import { errorMiddleware, HttpError } from './error-table.js';
import { v2Dispatcher } from './routes.js';
import { mountProxy } from '../proxy/http.js';

/** Build the app over its dependencies. */
export function createApp(deps: Deps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  // Location headers use the scheme the client used, also behind a TLS-terminating proxy.
  app.set('trust proxy', true);

  let seq = 0;
  const prefix = randomBytes(4).toString('hex');
  app.use((req, res, next) => {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    res.setHeader('X-Request-Id', req.get('x-request-id') ?? `${prefix}-${(seq++).toString(36)}`);
    next();
  });
  if (!deps.config.log.accesslog.disabled) {
    app.use((req, res, next) => {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        deps.log.info('request', { method: req.method, url: req.originalUrl, status: res.statusCode, ms: Math.round(ms * 10) / 10 });
      });
      next();
    });
  }
  if (deps.proxy) mountProxy(app, deps.proxy);
  app.use(v2Dispatcher(deps));
  app.use((_req, _res, next) => next(new HttpError(404, 'UNSUPPORTED', 'no such endpoint')));
  app.use(errorMiddleware(deps.log));
  return app;
}
