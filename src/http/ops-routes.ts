/**
 * The operations endpoints outside /v2: /healthz (the process serves) and /readyz (its
 * readiness checks pass), free of auth so container health checks and load balancers can ask;
 * and /metrics, behind auth on the registry's address (anyone allowed the catalog) or without
 * auth on the separate debug address (http.debug.addr).
 */
import type { Request, Response } from 'express';
import type { AccessController } from '../auth/controller.js';
import type { Readiness } from '../ops/health.js';
import { scrape } from '../ops/metrics.js';

/** Paths of the health endpoints. */
export const HEALTH_PATHS = { live: '/healthz', ready: '/readyz' } as const;

type Handler = (req: Request, res: Response) => Promise<void> | void;

/** GET/HEAD /healthz: 200 while the process answers. */
export const liveness: Handler = (req, res) => {
  res.locals['route'] = 'healthz';
  send(req, res, 200, 'application/json; charset=utf-8', '{"status":"ok"}');
};

/** GET/HEAD /readyz: 200 when every readiness check passes, else 503 naming the ones that failed. */
export function readiness(checks: Readiness): Handler {
  return async (req, res) => {
    res.locals['route'] = 'readyz';
    const report = await checks.run();
    const body = JSON.stringify({ status: report.ready ? 'ok' : 'unavailable', ...report });
    send(req, res, report.ready ? 200 : 503, 'application/json; charset=utf-8', body, { 'Cache-Control': 'no-store' });
  };
}

/** GET /metrics in Prometheus's text format; with `auth`, only for those allowed the catalog. */
export function metricsHandler(auth?: AccessController): Handler {
  return async (req, res) => {
    res.locals['route'] = 'metrics';
    if (auth) await auth.authorize(req, [{ type: 'registry', name: 'catalog', actions: ['*'] }]);
    const { body, contentType } = await scrape();
    send(req, res, 200, contentType, body);
  };
}

function send(req: Request, res: Response, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.status(status).set({ 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...extra });
  res.end(req.method === 'HEAD' ? undefined : body);
}
