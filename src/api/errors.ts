/**
 * The management API's one error shape, `{"error":{"code","message","detail"?}}`, and the one
 * table from the services' errors to a code and a status. No handler picks a status itself.
 */
import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { AlreadyExistsError, ConflictError, InvalidInputError, NotFoundError } from '../admin/errors.js';
import { TooManyRequestsError } from '../auth/errors.js';
import { WriteRefusedError } from '../registry/guards.js';
import { NameUnknownError } from '../registry/errors.js';
import type { Logger } from '../log.js';

/** An error the API raises itself, with its status and code. */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly detail?: unknown,
  ) {
    super(message);
  }
}

/** The body of every error answer (also the OpenAPI document's error schema). */
export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    detail: z.unknown().optional(),
  }),
});

type ErrorClass = abstract new (...args: never[]) => Error;

/** Service error class → status and code. */
const TABLE: ReadonlyArray<[ErrorClass, number, string]> = [
  [InvalidInputError, 400, 'INVALID_INPUT'],
  [NotFoundError, 404, 'NOT_FOUND'],
  [AlreadyExistsError, 409, 'ALREADY_EXISTS'],
  [ConflictError, 409, 'CONFLICT'],
  // A guard refused a write (read-only mode, a quota): as on /v2, 403 with the guard's words.
  [WriteRefusedError, 403, 'WRITE_REFUSED'],
  [NameUnknownError, 404, 'NOT_FOUND'],
];

/** The status, code, message and detail for any error (500 for what nobody expected). */
export function describeError(err: unknown): { status: number; code: string; message: string; detail?: unknown } {
  if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message, detail: err.detail };
  if (err instanceof TooManyRequestsError) {
    return { status: 429, code: 'TOO_MANY_REQUESTS', message: err.message, detail: { retryAfter: err.retryAfter } };
  }
  for (const [cls, status, code] of TABLE) if (err instanceof cls) return { status, code, message: err.message };
  // Express's body parser: malformed JSON, a body too large, a wrong charset.
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.parse.failed')
    return { status: 400, code: 'MALFORMED_JSON', message: `the body is not valid JSON: ${e.message}` };
  if (e?.type === 'entity.too.large') return { status: 413, code: 'TOO_LARGE', message: 'the request body is too large' };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, code: 'BAD_REQUEST', message: e.message ?? 'bad request' };
  }
  return { status: 500, code: 'INTERNAL', message: 'internal error (see the server log)' };
}

/** The error middleware of /api/v1: writes the one shape; logs what is the server's fault. */
export function apiErrorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const d = describeError(err);
    if (d.status >= 500) log.error('api error', { path: req.path, error: String(err?.stack ?? err) });
    if (res.headersSent) return void res.end();
    if (d.status === 429) res.setHeader('Retry-After', String((d.detail as { retryAfter: number }).retryAfter));
    res.status(d.status).json({ error: { code: d.code, message: d.message, ...(d.detail !== undefined ? { detail: d.detail } : {}) } });
  };
}
