/**
 * The registry as a whole: version, storage driver, database, auth mode, read-only state,
 * counts and the pull-through cache's statistics; and the runtime read-only switch.
 */
import { createRequire } from 'node:module';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { route, type ApiDeps } from '../route.js';
import { time } from '../schemas.js';

/** Berth's version (package.json; the same file in the source tree and the built one). */
const VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

const readOnlySchema = z.object({
  enabled: z.boolean(),
  since: time,
  /** Who switched it last: config, signal, cli, or api:NAME. */
  by: z.string(),
});

const upstreamSchema = z.object({
  name: z.string(),
  url: z.string(),
  prefix: z.string(),
  breaker: z.string(),
  hits: z.number(),
  misses: z.number(),
  stale: z.number(),
  upstreamRequests: z.number(),
  bytesFromUpstream: z.number(),
  errors: z.number(),
});

const systemSchema = z.object({
  version: z.string(),
  storage: z.object({ driver: z.enum(['filesystem', 's3', 'inmemory']), deleteEnabled: z.boolean() }),
  database: z.object({ dialect: z.enum(['sqlite', 'postgres']) }),
  authMode: z.enum(['off', 'htpasswd', 'token', 'accounts']),
  readOnly: readOnlySchema,
  counts: z.object({ users: z.number().int(), projects: z.number().int(), robots: z.number().int(), repositories: z.number().int() }),
  proxy: z.object({ enabled: z.boolean(), upstreams: z.array(upstreamSchema) }),
});

function readOnlyState(deps: ApiDeps) {
  if (deps.readOnly) return deps.readOnly;
  throw new ApiError(404, 'NOT_FOUND', 'this server has no runtime read-only switch');
}

function storageDriver(deps: ApiDeps): 'filesystem' | 's3' | 'inmemory' {
  const s = deps.config.storage;
  return s.s3 ? 's3' : s.inmemory !== undefined ? 'inmemory' : 'filesystem';
}

/** Every upstream's counters, summed over the workers under http.workers (the breaker is the answering worker's). */
async function proxyUpstreams(deps: ApiDeps): Promise<z.input<typeof upstreamSchema>[]> {
  if (!deps.proxy) return [];
  return Object.entries(await deps.proxy.totals()).map(([name, s]) => ({
    name,
    url: s.url,
    prefix: s.prefix,
    breaker: s.breaker,
    hits: s.hits,
    misses: s.misses,
    stale: s.stale,
    upstreamRequests: s.upstreamRequests,
    bytesFromUpstream: s.upstreamBytes,
    errors: s.errors,
  }));
}

/** The system routes. */
export const systemRoutes = [
  route({
    method: 'get',
    path: '/system',
    tag: 'system',
    summary: 'Version, storage, database, auth mode, read-only state, counts and pull-through cache statistics',
    permission: 'system:system.read',
    response: systemSchema,
    async handler({ deps }) {
      const stores = deps.services.stores;
      const [users, projects, robots, repositories, upstreams] = await Promise.all([
        stores.users.count(),
        stores.projects.count(),
        stores.robots.list().then((r) => r.length),
        deps.registry.catalog.all().then((r) => r.length),
        proxyUpstreams(deps),
      ]);
      return {
        version: VERSION,
        storage: { driver: storageDriver(deps), deleteEnabled: deps.config.storage.delete.enabled },
        database: { dialect: deps.services.database.dialect },
        authMode: deps.authMode,
        readOnly: readOnlyState(deps).snapshot(),
        counts: { users, projects, robots, repositories },
        proxy: { enabled: deps.proxy !== undefined, upstreams },
      };
    },
  }),
  route({
    method: 'get',
    path: '/system/readonly',
    tag: 'system',
    summary: 'Whether the registry is in read-only mode, since when and who switched it',
    permission: 'system:system.read',
    response: readOnlySchema,
    handler: ({ deps }) => readOnlyState(deps).snapshot(),
  }),
  route({
    method: 'put',
    path: '/system/readonly',
    tag: 'system',
    summary: 'Switch read-only mode on or off at run time (pushes and deletes are refused while on; pulls go on)',
    permission: 'system:system.manage',
    body: z.object({ enabled: z.boolean() }),
    response: readOnlySchema,
    handler: async ({ deps, body, caller }) => {
      const state = readOnlyState(deps);
      // Every worker of this machine is switched before the answer.
      await state.switch(body.enabled, `api:${caller.principal?.name ?? caller.operator ?? 'anonymous'}`);
      return state.snapshot();
    },
  }),
];
