/**
 * The one table from errors to OCI error codes and HTTP statuses, and the Express error
 * middleware that writes the spec's envelope {"errors":[{"code","message","detail"}]}.
 * No handler picks a status for an error by itself.
 */
import type { ErrorRequestHandler } from 'express';
import * as a from '../auth/errors.js';
import * as e from '../registry/errors.js';
import * as px from '../proxy/errors.js';
import { InvalidOffsetError, InvalidPathError, StorageUnavailableError } from '../storage/driver.js';
import type { Logger } from '../log.js';

/** An error the HTTP layer itself raises (bad route, bad method). */
export class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly detail?: unknown,
  ) {
    super(message);
  }
}

type Entry = { code: string; status: number };
type ErrorClass = abstract new (...args: never[]) => Error;

/** Error class → OCI code and status. Order matters only for subclasses (none today). */
const TABLE: ReadonlyArray<[ErrorClass, Entry]> = [
  [e.NameInvalidError, { code: 'NAME_INVALID', status: 400 }],
  [e.NameUnknownError, { code: 'NAME_UNKNOWN', status: 404 }],
  [e.TagInvalidError, { code: 'TAG_INVALID', status: 400 }],
  [e.DigestInvalidError, { code: 'DIGEST_INVALID', status: 400 }],
  [e.BlobUnknownError, { code: 'BLOB_UNKNOWN', status: 404 }],
  [e.BlobUploadUnknownError, { code: 'BLOB_UPLOAD_UNKNOWN', status: 404 }],
  [e.BlobUploadInvalidError, { code: 'BLOB_UPLOAD_INVALID', status: 400 }],
  [e.RangeInvalidError, { code: 'RANGE_INVALID', status: 416 }],
  [e.RangeNotSatisfiableError, { code: 'RANGE_INVALID', status: 416 }],
  [e.SizeInvalidError, { code: 'SIZE_INVALID', status: 400 }],
  [e.ManifestUnknownError, { code: 'MANIFEST_UNKNOWN', status: 404 }],
  [e.ManifestInvalidError, { code: 'MANIFEST_INVALID', status: 400 }],
  [e.ManifestBlobUnknownError, { code: 'MANIFEST_BLOB_UNKNOWN', status: 400 }],
  [e.ManifestTooLargeError, { code: 'SIZE_INVALID', status: 413 }],
  [e.PaginationNumberInvalidError, { code: 'PAGINATION_NUMBER_INVALID', status: 400 }],
  [e.UnsupportedError, { code: 'UNSUPPORTED', status: 405 }],
  // Both are 401 (as Distribution): the challenge's error= tells a client which one it got.
  [a.UnauthorizedError, { code: 'UNAUTHORIZED', status: 401 }],
  [a.InsufficientScopeError, { code: 'DENIED', status: 401 }],
  [a.TooManyRequestsError, { code: 'TOOMANYREQUESTS', status: 429 }],
  [a.TokenRequestInvalidError, { code: 'INVALID_REQUEST', status: 400 }],
  [px.MirrorReadOnlyError, { code: 'DENIED', status: 403 }],
  [px.UpstreamRateLimitedError, { code: 'TOOMANYREQUESTS', status: 429 }],
  [px.UpstreamUnavailableError, { code: 'UNAVAILABLE', status: 503 }],
  [px.UpstreamDeniedError, { code: 'DENIED', status: 502 }],
  [px.ProxyLoopError, { code: 'UNSUPPORTED', status: 508 }],
  // A path the driver refuses can only come from input that slipped past the grammars.
  [InvalidPathError, { code: 'NAME_INVALID', status: 400 }],
  [InvalidOffsetError, { code: 'RANGE_INVALID', status: 416 }],
  [StorageUnavailableError, { code: 'UNAVAILABLE', status: 503 }],
];

/** The code and status for an error; unknown errors are 500 UNKNOWN. */
export function classify(err: unknown): Entry & { message: string; detail?: unknown } {
  if (err instanceof HttpError) return { code: err.code, status: err.status, message: err.message, detail: err.detail };
  for (const [cls, entry] of TABLE) {
    if (err instanceof cls) {
      const detail = err instanceof e.RegistryError ? err.detail : undefined;
      const message = err instanceof StorageUnavailableError ? 'storage backend unavailable' : err.message;
      return { ...entry, message, detail };
    }
  }
  return { code: 'UNKNOWN', status: 500, message: 'unknown error' };
}

/** Headers some errors must carry. */
function extraHeaders(err: unknown): Record<string, string> {
  if (err instanceof e.RangeInvalidError) return { Range: `0-${Math.max(0, err.currentSize - 1)}` };
  if (err instanceof e.RangeNotSatisfiableError) return { 'Content-Range': `bytes */${err.size}` };
  if (err instanceof a.AuthChallengeError) return { 'WWW-Authenticate': err.challenge };
  if (err instanceof a.TooManyRequestsError) return { 'Retry-After': String(err.retryAfter) };
  if (err instanceof px.UpstreamRateLimitedError && typeof err.retryAfter === 'string') return { 'Retry-After': err.retryAfter };
  return {};
}

/** Express error middleware writing the OCI error envelope. */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const c = classify(err);
    if (c.status >= 500)
      log.error('request failed', {
        id: res.getHeader('X-Request-Id'),
        method: req.method,
        url: req.originalUrl,
        error: String(err?.stack ?? err),
      });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const entry: Record<string, unknown> = { code: c.code, message: c.message };
    if (c.detail !== undefined) entry['detail'] = c.detail;
    const body = JSON.stringify({ errors: [entry] });
    res
      .status(c.status)
      .set(extraHeaders(err))
      .set({ 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
    // A request whose body was not read is drained so the connection can be reused.
    if (!req.complete) req.resume();
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
