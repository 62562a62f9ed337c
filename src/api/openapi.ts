/**
 * The OpenAPI 3 document of /api/v1, generated from the route table's zod schemas by
 * @asteasolutions/zod-to-openapi (no second, hand-written copy). Served at
 * /api/v1/openapi.json; web/openapi.ts turns it into the UI's types.
 */
import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV3, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { ZodTypeAny } from 'zod';
import { z } from 'zod';
import { errorSchema } from './errors.js';
import { operationId, type ApiRoute } from './route.js';
import { API_ROUTES } from './routes/index.js';

// The generator describes path and query parameters through `.openapi()`, a method this adds
// to zod's prototype (so schemas made before this line have it too).
extendZodWithOpenApi(z);

/** The path the API is mounted at. */
export const API_BASE = '/api/v1';

const ERRORS: Readonly<Record<number, string>> = {
  400: 'Invalid input (the message names the field) or malformed JSON',
  401: 'Authentication required, wrong credentials, or the session expired (code SESSION_EXPIRED)',
  403: 'Authenticated, but the role table does not allow it (the message says why), or a missing X-CSRF-Token',
  404: 'No such resource (or a project the caller may not see)',
  409: 'Conflicts with what exists (a taken name, a project that is not empty, the last administrator)',
};

/** The OpenAPI document of `routes` (default: the whole API). */
export function openApiDocument(routes: readonly ApiRoute[] = API_ROUTES): ReturnType<OpenApiGeneratorV3['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'basic', {
    type: 'http',
    scheme: 'basic',
    description: 'A user name and password, or a robot name and secret',
  });
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "A token from Berth's token server (/token)",
  });
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'berth_session',
    description: 'The cookie set by POST /session; unsafe methods also need the X-CSRF-Token header',
  });
  for (const r of routes) registry.registerPath(pathOf(r));
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Berth management API',
      version: '1',
      description: 'Users, projects, members, robot accounts and the registry as a whole. Errors: {"error":{"code","message","detail"?}}.',
    },
    servers: [{ url: API_BASE }],
  });
}

function pathOf(r: ApiRoute): RouteConfig {
  const json = (schema: ZodTypeAny) => ({ content: { 'application/json': { schema } } });
  const responses: RouteConfig['responses'] = {};
  const status = r.status ?? (r.response ? 200 : 204);
  const headers = r.paged
    ? {
        'X-Total-Count': { description: 'How many items match in all', schema: { type: 'integer' as const } },
        Link: { description: 'RFC 8288 links to the first, previous, next and last pages', schema: { type: 'string' as const } },
      }
    : undefined;
  responses[status] = r.response ? { description: 'Success', headers, ...json(r.response) } : { description: 'Done (no body)' };
  for (const [code, description] of Object.entries(ERRORS)) responses[Number(code)] = { description, ...json(errorSchema) };
  return {
    method: r.method,
    path: r.path,
    summary: r.summary,
    tags: [r.tag],
    operationId: operationId(r),
    description: `Permission: ${r.permission}`,
    security: r.permission === 'anyone' ? [] : [{ basic: [] }, { bearer: [] }, { session: [] }],
    request: {
      ...(r.params ? { params: r.params as z.AnyZodObject } : {}),
      ...(r.query ? { query: r.query as z.AnyZodObject } : {}),
      ...(r.body ? { body: { required: true, ...json(r.body) } } : {}),
    },
    responses,
  };
}
