/**
 * `docker search HOST/term`: GET /v1/search?q=term&n=25 (Docker's v1 search API, which
 * Distribution does not answer), from the artifact index. docker sends Basic credentials when
 * logged in with a password, or a Bearer token for `registry:catalog:search` when its login
 * left an identity token (Berth's token server gives one); either names the caller, and only
 * the repositories the caller may pull are listed. docker first pings /v1/_ping.
 */
import express, { type ErrorRequestHandler, type Request, type Router } from 'express';
import type { Visibility } from '../auth/controller.js';
import { parseBasic } from '../auth/passwords.js';
import { authenticate } from './authenticate.js';
import { apiErrorMiddleware, ApiError } from './errors.js';
import type { ApiDeps } from './route.js';

// docker asks for 25 by default and at most 100.
const DEFAULT_RESULTS = 25;
const MAX_RESULTS = 100;
// Matching repositories read from the index before filtering by permission, per result asked.
const SCAN_FACTOR = 20;

/** One result as docker prints it. */
interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

/** Which repositories the caller of `req` may pull: a test, or undefined for all. */
async function pullableBy(
  deps: ApiDeps,
  req: Request,
  visibility: Visibility | undefined,
): Promise<((name: string) => boolean) | undefined> {
  if (deps.authMode === 'off') return undefined;
  if (deps.authMode === 'accounts') {
    // docker sends Basic with an empty name and password when it has no login for the host.
    const anonymous = parseBasic(req.get('authorization'))?.user === '';
    const p = anonymous ? undefined : (await authenticate(deps, req)).principal;
    if (visibility) return (await visibility(p ? { name: p.name, kind: p.kind } : undefined)) ?? undefined;
    return deps.services.authorizer.pullable(p);
  }
  // htpasswd or an external token server: whoever may read the catalog may search it.
  await deps.auth.controller.authorize(req, [{ type: 'registry', name: 'catalog', actions: ['*'] }]);
  return undefined;
}

/** The router answering /v1/_ping and /v1/search. */
export function dockerSearch(deps: ApiDeps, visibility?: Visibility): Router {
  const router = express.Router();
  router.get('/v1/_ping', (_req, res) => void res.set('X-Docker-Registry-Standalone', 'true').json({}));
  router.get('/v1/search', async (req, res, next) => {
    try {
      const q = typeof req.query['q'] === 'string' ? req.query['q'].trim() : '';
      const nParam = typeof req.query['n'] === 'string' ? req.query['n'] : undefined;
      const n = nParam === undefined ? DEFAULT_RESULTS : Number(nParam);
      if (!Number.isInteger(n) || n < 1 || n > MAX_RESULTS)
        throw new ApiError(400, 'INVALID_INPUT', `n must be an integer from 1 to ${MAX_RESULTS}`);
      const visible = await pullableBy(deps, req, visibility);
      const matching = await deps.services.stores.index.repositories({ ...(q ? { text: q } : {}), limit: n * SCAN_FACTOR });
      const results: SearchResult[] = matching
        .filter((r) => visible === undefined || visible(r.name))
        .slice(0, n)
        .map((r) => ({ name: r.name, description: r.description ?? '', star_count: 0, is_official: false, is_automated: false }));
      res.json({ num_pages: 1, num_results: results.length, page: 1, page_size: n, query: q, results });
    } catch (err) {
      next(err);
    }
  });
  // The API's errors in its shape; a registry challenge (401 with WWW-Authenticate) goes on to
  // the registry's error middleware, which writes it as /v2 does.
  const apiErrors = apiErrorMiddleware(deps.log);
  router.use('/v1', ((err, req, res, next) =>
    err instanceof ApiError ? apiErrors(err, req, res, next) : next(err)) as ErrorRequestHandler);
  return router;
}
