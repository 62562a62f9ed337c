/** fetch() that turns every failure into an ApiError with plain words (lib/errors.ts). */
import { ApiError, errorFromBody } from './errors.js';

/** GET (or any method) a JSON document; non-2xx answers and network failures throw ApiError. */
export async function fetchJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetchOrThrow(url, { ...init, headers: { Accept: 'application/json', ...init.headers } });
  return (await res.json()) as T;
}

/** fetch() whose failures, network or HTTP, are ApiErrors. */
export async function fetchOrThrow(url: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') throw err;
    throw new ApiError(0, undefined, undefined);
  }
  if (!res.ok) throw errorFromBody(res.status, await res.json().catch(() => undefined));
  return res;
}
