/**
 * The access each /v2 route needs, as data: the route table names a resource kind, the method
 * picks the actions. GET/HEAD pull; POST/PUT/PATCH pull,push; DELETE delete; the catalog needs
 * registry:catalog:*; a cross-repository mount also needs pull on `from`; /_berth needs
 * registry:berth:*.
 */
import type { Request } from 'express';
import { parseName } from '../registry/reference.js';
import { mergeAccess, type Access } from './scope.js';

/** What a route protects: nothing beyond authentication, a repository, or the catalog. */
export type RouteResource = 'base' | 'repository' | 'catalog';

/**
 * What everything under /_berth (the operations endpoints, such as the pull-through cache's
 * statistics) needs when auth is on: a scope of its own, granted by a config rule with
 * `operations: true` or to a system administrator (accounts); any user with htpasswd.
 */
export const OPERATIONS_ACCESS: readonly Access[] = [{ type: 'registry', name: 'berth', actions: ['*'] }];

/** Repository actions needed per HTTP method. */
export const ACTIONS_BY_METHOD: Readonly<Record<string, readonly string[]>> = {
  GET: ['pull'],
  HEAD: ['pull'],
  POST: ['pull', 'push'],
  PUT: ['pull', 'push'],
  PATCH: ['pull', 'push'],
  DELETE: ['delete'],
};

/** The access `req` needs on a route protecting `resource` for repository `name`. */
export function neededAccess(resource: RouteResource, req: Request, name: string): Access[] {
  if (resource === 'base') return [];
  if (resource === 'catalog') return [{ type: 'registry', name: 'catalog', actions: ['*'] }];
  const needed: Access[] = [{ type: 'repository', name, actions: [...(ACTIONS_BY_METHOD[req.method] ?? ['*'])] }];
  const q = new URL(req.originalUrl, 'http://berth.invalid').searchParams;
  const from = q.get('from');
  if (req.method === 'POST' && q.has('mount') && from !== null) {
    needed.push({ type: 'repository', name: parseName(from), actions: ['pull'] });
  }
  return mergeAccess(needed);
}
