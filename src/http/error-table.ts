/**
 * The one table from errors to OCI error codes and HTTP statuses, and the Express error
 * middleware that writes the spec's envelope {"errors":[{"code","message","detail"}]}.
 * No handler picks a status for an error by itself.
 */
import type { ErrorRequestHandler } from 'express';
import * as a from '../auth/errors.js';
import * as e from '../registry/errors.js';
import * as px from '../proxy/errors.js';
import { WriteRefusedError } from '../registry/guards.js';
import { InvalidOffsetError, InvalidPathError, PathNotFoundError, StorageUnavailableError } from '../storage/driver.js';
import type { Logger } from '../log.js';
import { closeIfBodyUnread } from './linger.js';

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

/** Error class → OCI code and status. Order matters only for subclasses: they come first. */
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
  // Read-only mode, quotas: docker prints a DENIED error's message as it is.
  [WriteRefusedError, { code: 'DENIED', status: 403 }],
  // Both are 401 (as Distribution): the challenge's error= tells a client which one it got.
  [a.UnauthorizedError, { code: 'UNAUTHORIZED', status: 401 }],
  [a.InsufficientScopeError, { code: 'DENIED', status: 401 }],
  [a.TooManyRequestsError, { code: 'TOOMANYREQUESTS', status: 429 }],
  // Subclasses of TokenRequestInvalidError first: the first matching class wins.
  [a.TokenRequestTooLargeError, { code: 'INVALID_REQUEST', status: 413 }],
  [a.TokenRequestUnsupportedError, { code: 'INVALID_REQUEST', status: 415 }],
  [a.TokenRequestInvalidError, { code: 'INVALID_REQUEST', status: 400 }],
  [px.MirrorReadOnlyError, { code: 'DENIED', status: 403 }],
  [px.UpstreamRateLimitedError, { code: 'TOOMANYREQUESTS', status: 429 }],
  [px.UpstreamUnavailableError, { code: 'UNAVAILABLE', status: 503 }],
  [px.UpstreamDeniedError, { code: 'DENIED', status: 502 }],
  [px.ProxyLoopError, { code: 'UNSUPPORTED', status: 508 }],
  // A path the driver refuses can only come from input that slipped past the grammars.
  [InvalidPathError, { code: 'NAME_INVALID', status: 400 }],
  [InvalidOffsetError, { code: 'RANGE_INVALID', status: 416 }],
  // Something removed under a request that was using it: unknown now. The /v2 dispatcher names
  // it per route (BLOB_UNKNOWN, MANIFEST_UNKNOWN ...); this catches it anywhere else.
  [PathNotFoundError, { code: 'NAME_UNKNOWN', status: 404 }],
  [StorageUnavailableError, { code: 'UNAVAILABLE', status: 503 }],
];

/** The code and status for an error; unknown errors are 500 UNKNOWN. */
export function classify(err: unknown): Entry & { message: string; detail?: unknown } {
  if (err instanceof HttpError) return { code: err.code, status: err.status, message: err.message, detail: err.detail };
  for (const [cls, entry] of TABLE) {
    if (err instanceof cls) {
      const detail = err instanceof e.RegistryError ? err.detail : undefined;
      // Driver errors name storage paths, which are no business of the client.
      const message =
        err instanceof StorageUnavailableError
          ? 'storage backend unavailable'
          : err instanceof PathNotFoundError
            ? 'unknown to registry: removed while in use'
            : err.message;
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
    if (c.status >= 500) {
      const fields = { reqId: res.getHeader('X-Request-Id'), method: req.method, url: req.originalUrl };
      // A client that hung up mid-request is the client's business, not a server error: the
      // request observer writes its info line (observe.ts) once the exchange is over.
      if (clientWentAway(err, req, res)) log.debug('client went away', { ...fields, error: String(err?.message ?? err) });
      else log.error('request failed', { ...fields, error: String(err?.stack ?? err) });
    }
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
    // A request whose body was not read to its end is the connection's last (linger.ts).
    closeIfBodyUnread(req, res);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/** True when `err` comes from the client closing the connection before the exchange ended. */
export function clientWentAway(
  err: unknown,
  req: { destroyed: boolean; complete: boolean },
  res: { destroyed: boolean; writableFinished: boolean },
): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNRESET' || code === 'ECONNABORTED' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE') return true;
  if ((err as Error | undefined)?.message === 'aborted') return true;
  return (req.destroyed && !req.complete) || (res.destroyed && !res.writableFinished);
}
