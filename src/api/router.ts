/**
 * The /api/v1 router, built from the route table: for each route, authenticate → CSRF (cookie
 * callers) → path parameters → authorize → query and body → handler → JSON answer. Anything
 * else under /api/v1 is a 404 in the one error shape.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { ZodError, ZodTypeAny } from 'zod';
import { authenticate } from './authenticate.js';
import { authorize } from './authorize.js';
import { ApiError, apiErrorMiddleware, describeError } from './errors.js';
import { setPageHeaders, type PageQuery } from './paging.js';
import { operationId, type ApiDeps, type ApiRoute, type Caller } from './route.js';
import { CSRF_HEADER, csrfMatches } from './session-cookie.js';

/** Largest JSON body accepted. */
const BODY_LIMIT = '1mb';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `/projects/{project}` → `/projects/:project` (Express's spelling). */
export const expressPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/** The router of `routes` over `deps`. */
export function apiRouter(deps: ApiDeps, routes: readonly ApiRoute[]): Router {
  const router = express.Router({ strict: false });
  router.use(express.json({ limit: BODY_LIMIT }));
  for (const r of routes) {
    router[r.method](expressPath(r.path), (req: Request, res: Response, next) => void handle(deps, r, req, res).catch(next));
  }
  router.use((req, _res, next) => {
    const allowed = routes.filter((r) => matches(r.path, req.path)).map((r) => r.method.toUpperCase());
    if (allowed.length > 0) {
      return next(
        new ApiError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.baseUrl}${req.path}: use ${allowed.join(', ')}`),
      );
    }
    next(new ApiError(404, 'NOT_FOUND', `no such endpoint: ${req.method} ${req.baseUrl}${req.path}`));
  });
  router.use(apiErrorMiddleware(deps.log));
  return router;
}

async function handle(deps: ApiDeps, r: ApiRoute, req: Request, res: Response): Promise<void> {
  const caller = await authenticate(deps, req);
  // A cookie is sent by the browser on its own; the CSRF token proves the page itself asked.
  if (caller.via === 'session' && !SAFE_METHODS.has(req.method) && !csrfMatches(req.get(CSRF_HEADER), caller.session!.csrfToken)) {
    throw new ApiError(403, 'CSRF_INVALID', `a missing or wrong ${CSRF_HEADER} header: send the csrfToken given at sign-in`);
  }
  // Changes are announced with their outcome, refusals included; sign-in and out are login events.
  const audited = !SAFE_METHODS.has(req.method) && r.tag !== 'session';
  let project: string | undefined;
  try {
    const params = parse('path', r.params, req.params);
    project = (params as { project?: string } | undefined)?.project;
    await authorize(deps, r.permission, caller, project);
    const query = parse('query', r.query, req.query);
    const body = parse('body', r.body, req.body);
    const result = await r.handler({ params, query, body, caller, deps, req, res });
    if (r.paged) setPageHeaders(req, res, query as PageQuery, (result as { total: number }).total);
    const status = r.status ?? (r.response ? 200 : 204);
    if (audited) announce(deps, r, req, caller, status, project);
    if (!r.response) return void res.status(status).end();
    res.status(status).json(result);
  } catch (err) {
    if (audited) announce(deps, r, req, caller, describeError(err).status, project);
    throw err;
  }
}

/** Tell the event bus (the audit log listens) what a change did, who did it and how it ended. */
function announce(deps: ApiDeps, r: ApiRoute, req: Request, caller: Caller, status: number, project: string | undefined): void {
  const events = deps.registry.events;
  if (!events.listened('management.changed')) return;
  const p = caller.principal;
  const data = { operation: operationId(r), method: r.method.toUpperCase(), route: r.path, path: req.baseUrl + req.path, status };
  const requestId = req.res?.getHeader('X-Request-Id');
  events.emit('management.changed', project ? { ...data, project } : data, {
    actor: p?.name,
    actorKind: p?.kind,
    address: req.ip,
    ...(typeof requestId === 'string' ? { requestId } : {}),
  });
}

/** Validate one part of the request; a failure is 400 naming the field. */
function parse(part: 'path' | 'query' | 'body', schema: ZodTypeAny | undefined, value: unknown): any {
  // A part the route does not declare is ignored (clients send `{}` with a DELETE).
  if (!schema) return undefined;
  if (part === 'body' && value === undefined) {
    throw new ApiError(400, 'INVALID_INPUT', 'body: a JSON body is required (Content-Type: application/json)');
  }
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ApiError(400, 'INVALID_INPUT', describeIssues(part, r.error), {
    issues: r.error.issues.map((i) => ({ path: [part, ...i.path], message: i.message })),
  });
}

function describeIssues(part: string, error: ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${[part, ...i.path].join('.')}: ${i.message}`)
    .join('; ');
}

function matches(template: string, path: string): boolean {
  const re = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}/?$`);
  return re.test(path);
}
