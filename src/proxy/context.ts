/**
 * Per-request context for the caching services, carried by AsyncLocalStorage so that the
 * registry-level decorators need no change to the handlers' calls: the method (a GET of an
 * uncached blob starts the upstream fetch in stat()), the incoming `Via` (loop guard), the
 * response (for `Warning` and rate-limit headers), and the repository a blob stat was for
 * (blobs.open() takes only a digest).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Response } from 'express';

/** What the proxy knows about the request being served. */
export interface ProxyRequestContext {
  method: string;
  via: string | undefined;
  res: Response;
  /** Set by the blob decorator's stat() for its open(). */
  blobRepo?: string;
}

const storage = new AsyncLocalStorage<ProxyRequestContext>();

/** Run `fn` with `ctx` as the current request context. */
export function runWithContext<T>(ctx: ProxyRequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The current request's context, if any (none in background work such as eviction). */
export function currentContext(): ProxyRequestContext | undefined {
  return storage.getStore();
}

/** The current request's id for log lines (none in background work). */
export function requestLogFields(): { reqId?: unknown } {
  const res = storage.getStore()?.res;
  return res ? { reqId: res.getHeader('x-request-id') } : {};
}

/** Set a response header on the current request, if it can still be set. */
export function setResponseHeader(name: string, value: string): void {
  const res = storage.getStore()?.res;
  if (res && !res.headersSent) res.setHeader(name, value);
}
