/**
 * What one management API route is: method, path, zod schemas, the permission it needs and its
 * handler. The table of these (routes/index.ts) is the API: the router validates and authorizes
 * from it, and the OpenAPI document is generated from it, so they cannot disagree.
 */
import type { GarbageCollector } from '../ops/gc/collector.js';
import type { Request, Response } from 'express';
import { z, type ZodTypeAny } from 'zod';
import type { AdminServices } from '../admin/setup.js';
import type { Principal } from '../admin/principal.js';
import type { ProjectAction, SystemAction } from '../admin/roles.js';
import type { Auth } from '../auth/setup.js';
import type { LoginLimiter } from '../auth/rate-limit.js';
import type { Config } from '../config/schema.js';
import type { Session } from '../db/sessions.js';
import type { Logger } from '../log.js';
import type { ReadOnlyState } from '../ops/read-only.js';
import type { ProxyService } from '../proxy/proxy-service.js';
import type { Registry } from '../registry/registry.js';
import type { ProjectUsage } from './project-usage.js';
import type { Indexer } from '../admin/indexer.js';
import type { AuditLog } from '../admin/audit-log.js';

/** HTTP methods the API uses. */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route: anyone (anonymous too), any signed-in account, or the holder of a
 * system action or of a project action on the project named by the `{project}` path parameter
 * (the role table of src/admin/roles.ts decides).
 */
export type Permission = 'anyone' | 'signed-in' | `system:${SystemAction}` | `project:${ProjectAction}`;

/** How the registry authenticates: the UI hides what the server would refuse anyway. */
export type AuthMode = 'off' | 'htpasswd' | 'token' | 'accounts';

/** Who is calling, and how they proved it. */
export interface Caller {
  /** Undefined: anonymous. */
  principal?: Principal;
  via: 'basic' | 'bearer' | 'session' | 'anonymous';
  /** The session of a cookie caller. */
  session?: Session;
  /** A cookie was sent but its session is gone: `expired` lets the UI say so. */
  staleSession?: 'expired' | 'unknown';
  /**
   * A user of the htpasswd file (auth mode htpasswd): not an account, but someone the registry
   * lets do anything, so the system routes open to operators (see authorize.ts) are open to it.
   */
  operator?: string;
}

/** What the API's handlers reach (handed to the router; no globals). */
export interface ApiDeps {
  config: Config;
  log: Logger;
  registry: Registry;
  services: AdminServices;
  auth: Auth;
  authMode: AuthMode;
  /** Failed logins per address (Basic and sign-in), as the token server counts them. */
  limiter: LoginLimiter;
  /** The runtime read-only switch (absent in apps built without ops). */
  readOnly?: ReadOnlyState;
  proxy?: ProxyService;
  /** Repository count and storage used per project (the artifact index fills it in; see project-usage.ts). */
  usage: ProjectUsage;
  /** The artifact index's listener: a change made through the API waits for it (read your writes). */
  indexer?: Indexer;
  /** The online garbage collector (absent in apps built without ops). */
  gc?: GarbageCollector;
  /** The audit log's writer: a listing flushes what is pending first. */
  audit?: AuditLog;
}

/** What a handler receives: the validated parts of the request, the caller, the dependencies. */
export interface RouteCtx<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  caller: Caller;
  deps: ApiDeps;
  req: Request;
  res: Response;
}

/** A route as written in the table (its schemas give the handler its types). */
export interface RouteDef<P extends ZodTypeAny, Q extends ZodTypeAny, B extends ZodTypeAny, R extends ZodTypeAny> {
  method: Method;
  /** OpenAPI style, below /api/v1: `/projects/{project}/members`. */
  path: string;
  summary: string;
  /** The OpenAPI tag (the resource). */
  tag: string;
  permission: Permission;
  params?: P;
  query?: Q;
  body?: B;
  /** The success body; absent: 204 and no body. */
  response?: R;
  /** The success status (default 200 with a body, 204 without). */
  status?: number;
  /** A page of a listing: the body is `{items, total}` and X-Total-Count and Link are set (query: pageQuery). */
  paged?: boolean;
  /** Parse, call one service method, return the body (or throw). */
  handler(ctx: RouteCtx<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R>> | z.input<R>;
}

/** A route of any types, as the router and the document generator see it. */
export type ApiRoute = RouteDef<ZodTypeAny, ZodTypeAny, ZodTypeAny, ZodTypeAny>;

type NoParams = z.ZodObject<{}>;

/** Declare a route (type inference for its handler; the value is the definition itself). */
export function route<
  P extends ZodTypeAny = NoParams,
  Q extends ZodTypeAny = NoParams,
  B extends ZodTypeAny = z.ZodUndefined,
  R extends ZodTypeAny = z.ZodVoid,
>(def: RouteDef<P, Q, B, R>): ApiRoute {
  return def as unknown as ApiRoute;
}

/** `get /projects/{project}/members` → `getProjectsProjectMembers`: unique, stable, readable. */
export function operationId(r: ApiRoute): string {
  const words = r.path
    .split('/')
    .filter(Boolean)
    .map((w) => w.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase()));
  return r.method + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}
