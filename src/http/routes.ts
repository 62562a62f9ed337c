/**
 * The /v2 API as data: one table of named routes built from the spec's path grammar, and the
 * dispatcher that matches a request against it. Names contain slashes, so the name is the
 * greedy prefix before a fixed suffix, and is then checked against the name grammar.
 */
import type { RequestHandler } from 'express';
import { neededAccess, type RouteResource } from '../auth/route-access.js';
import {
  BlobUnknownError,
  BlobUploadUnknownError,
  ManifestUnknownError,
  NameUnknownError,
  type RegistryError,
} from '../registry/errors.js';
import { parseName } from '../registry/reference.js';
import { PathNotFoundError } from '../storage/driver.js';
import type { Origin } from '../events/events.js';
import type { Deps, Handler } from './context.js';
import { HttpError } from './error-table.js';
import * as blobs from './blobs.js';
import * as uploads from './uploads.js';
import * as manifests from './manifests.js';
import * as listing from './listing.js';
import * as referrers from './referrers.js';

type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** One named route: a path pattern and a handler per method. */
interface Route {
  name: string;
  pattern: RegExp;
  /** Whether group 1 is a repository name. */
  hasName: boolean;
  /** What authorization protects (the method picks the actions; see auth/route-access.ts). */
  resource: RouteResource;
  methods: Partial<Record<Method, Handler>>;
  /**
   * What the route answers when storage says a path it needed is gone (removed under the
   * request by another writer or process): the resource is unknown now, a 404, never a 500.
   */
  gone: new (message: string, detail?: unknown) => RegistryError;
}

/** Every route of the Distribution API, most specific first. */
export const ROUTES: readonly Route[] = [
  {
    name: 'base',
    pattern: /^\/v2\/?$/,
    hasName: false,
    resource: 'base',
    methods: { GET: listing.base, HEAD: listing.base },
    gone: NameUnknownError,
  },
  {
    name: 'catalog',
    pattern: /^\/v2\/_catalog$/,
    hasName: false,
    resource: 'catalog',
    methods: { GET: listing.catalog },
    gone: NameUnknownError,
  },
  {
    name: 'tags',
    pattern: /^\/v2\/(.+)\/tags\/list$/,
    hasName: true,
    resource: 'repository',
    methods: { GET: listing.tags },
    gone: NameUnknownError,
  },
  {
    name: 'manifest',
    pattern: /^\/v2\/(.+)\/manifests\/([^/]+)$/,
    hasName: true,
    resource: 'repository',
    methods: { GET: manifests.get, HEAD: manifests.get, PUT: manifests.put, DELETE: manifests.remove },
    gone: ManifestUnknownError,
  },
  {
    name: 'upload-start',
    pattern: /^\/v2\/(.+)\/blobs\/uploads\/?$/,
    hasName: true,
    resource: 'repository',
    methods: { POST: uploads.start },
    gone: BlobUploadUnknownError,
  },
  {
    name: 'upload',
    pattern: /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/,
    hasName: true,
    resource: 'repository',
    methods: { GET: uploads.status, PATCH: uploads.patch, PUT: uploads.complete, DELETE: uploads.cancel },
    gone: BlobUploadUnknownError,
  },
  {
    name: 'blob',
    pattern: /^\/v2\/(.+)\/blobs\/([^/]+)$/,
    hasName: true,
    resource: 'repository',
    methods: { GET: blobs.get, HEAD: blobs.get, DELETE: blobs.remove },
    gone: BlobUnknownError,
  },
  {
    name: 'referrers',
    pattern: /^\/v2\/(.+)\/referrers\/([^/]+)$/,
    hasName: true,
    resource: 'repository',
    methods: { GET: referrers.list },
    gone: ManifestUnknownError,
  },
];

/** Express middleware dispatching /v2 requests through ROUTES. */
export function v2Dispatcher(deps: Deps): RequestHandler {
  return async (req, res, next) => {
    try {
      const path = req.path;
      if (!path.startsWith('/v2')) return next();
      for (const route of ROUTES) {
        const m = route.pattern.exec(path);
        if (!m) continue;
        res.locals['route'] = route.name;
        const handler = route.methods[req.method as Method];
        if (!handler) {
          res.set('Allow', Object.keys(route.methods).join(', '));
          throw new HttpError(405, 'UNSUPPORTED', `method ${req.method} not allowed on ${route.name}`);
        }
        const name = route.hasName ? parseName(m[1]!) : '';
        const ref = (route.hasName ? m[2] : m[1]) ?? '';
        const principal = await deps.auth.authorize(req, neededAccess(route.resource, req, name));
        if (principal) res.locals['actor'] = principal.name;
        const origin: Origin = {
          actor: principal?.name,
          actorKind: principal?.kind,
          address: req.ip,
          requestId: res.getHeader('x-request-id') as string | undefined,
        };
        try {
          await handler({ req, res, params: { name, ref }, deps, origin });
        } catch (err) {
          if (!(err instanceof PathNotFoundError)) throw err;
          throw new route.gone(`${route.name} unknown to registry: removed while this request used it`, { name, reference: ref });
        }
        return;
      }
      throw new HttpError(404, 'UNSUPPORTED', 'no such API endpoint');
    } catch (err) {
      next(err);
    }
  };
}
