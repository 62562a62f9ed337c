/**
 * The typed client of the management API. Its types are generated from the OpenAPI document
 * the server builds from its route table (web/openapi.ts writes schema.gen.ts at build time),
 * so the UI and the API cannot disagree on a path or a field. Cookie sessions send the CSRF
 * token on every request that changes something.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { errorFromBody } from '../lib/errors.js';
import type { paths } from './schema.gen.js';

let csrfToken: string | undefined;

/** Remember the CSRF token the session endpoint gave (undefined after sign-out). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

let expired: (() => void) | undefined;

/** What to do when the server says the session has ended (401 SESSION_EXPIRED): the app signs the person out. */
export function onSessionExpired(handler: () => void): void {
  expired = handler;
}

/** The CSRF header for requests made outside openapi-fetch (the import upload). */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const middleware: Middleware = {
  onRequest({ request }) {
    if (csrfToken && UNSAFE.has(request.method)) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
  async onResponse({ response }) {
    if (response.ok) return response;
    // One error type for every failure, shown in plain words by <ErrorMessage>.
    const error = errorFromBody(
      response.status,
      await response
        .clone()
        .json()
        .catch(() => undefined),
    );
    if (error.status === 401 && error.code === 'SESSION_EXPIRED') expired?.();
    throw error;
  },
};

/** The client: `api.GET('/projects', ...)` with the paths and bodies of the OpenAPI document. */
export const api = createClient<paths>({ baseUrl: '/api/v1', credentials: 'same-origin' });
api.use(middleware);
