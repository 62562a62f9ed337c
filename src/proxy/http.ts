/**
 * The proxy's HTTP entry: the stats endpoint, containerd's `?ns=<registry>` (the name is
 * moved under that upstream's prefix and `OCI-Namespace` echoes it), and the per-request
 * context the caching services read. Runs before the /v2 dispatcher; no route changes.
 */
import type { Express, RequestHandler } from 'express';
import { json, query } from '../http/respond.js';
import { runWithContext } from './context.js';
import type { ProxyService } from './proxy-service.js';

/** Path of the stats endpoint. */
export const STATS_PATH = '/_berth/proxy/stats';

/** Install the proxy's stats endpoint on the app (counters summed over the workers, as in /api/v1/system). */
export function mountProxyStats(app: Express, proxy: ProxyService): void {
  app.get(STATS_PATH, async (_req, res) => json(res, 200, { upstreams: await proxy.totals() }));
}

/** The step every /v2 request takes before the dispatcher when the proxy is on. */
export function proxyStage(proxy: ProxyService): RequestHandler {
  return (req, res, next) => {
    if (!req.path.startsWith('/v2/')) return next();
    const ns = query(req, 'ns');
    const target = ns === undefined ? null : proxy.router.namespace(ns);
    if (target) {
      res.setHeader('OCI-Namespace', ns!);
      const rest = req.url.slice('/v2/'.length);
      // The base and catalog endpoints name no repository.
      if (target.prefix !== '' && rest !== '' && !rest.startsWith('_catalog') && !rest.startsWith('?')) {
        req.url = `/v2/${target.prefix}/${rest}`;
      }
    }
    runWithContext({ method: req.method, via: req.get('via'), res }, next);
  };
}
