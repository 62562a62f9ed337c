/** Listing routes: the base endpoint, tags list and catalog with n/last pagination. */
import type { Request, Response } from 'express';
import { PaginationNumberInvalidError } from '../registry/errors.js';
import type { Handler } from './context.js';
import { json, query } from './respond.js';

/** GET /v2/: the API version check. */
export const base: Handler = ({ res }) => json(res, 200, {});

/** GET /v2/<name>/tags/list. */
export const tags: Handler = async ({ req, res, params, deps }) => {
  const all = await deps.registry.tags.all(params.name);
  const page = paginate(req, res, all, deps.config.tags.maxentries, `/v2/${params.name}/tags/list`);
  json(res, 200, { name: params.name, tags: page });
};

/** GET /v2/_catalog. */
export const catalog: Handler = async ({ req, res, deps }) => {
  const all = await deps.registry.catalog.all();
  json(res, 200, { repositories: paginate(req, res, all, deps.config.catalog.maxentries, '/v2/_catalog') });
};

/**
 * One page of a lexically sorted list: entries after `last`, at most `n` (default and cap:
 * `max`). Sets a Link header to the next page when there is one.
 */
export function paginate(req: Request, res: Response, sorted: readonly string[], max: number, path: string): string[] {
  const nParam = query(req, 'n');
  let n = max;
  if (nParam !== undefined) {
    if (!/^\d+$/.test(nParam)) throw new PaginationNumberInvalidError('n must be a non-negative integer', { n: nParam });
    n = Number(nParam);
    if (n > max) throw new PaginationNumberInvalidError(`n must not exceed ${max}`, { n, max });
  }
  const last = query(req, 'last');
  let from = 0;
  if (last !== undefined) {
    // First index strictly after `last` (binary search: the list is sorted).
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= last) lo = mid + 1;
      else hi = mid;
    }
    from = lo;
  }
  const page = sorted.slice(from, from + n);
  if (n > 0 && from + n < sorted.length) {
    const next = new URLSearchParams({ n: String(n), last: page[page.length - 1]! });
    res.set('Link', `<${path}?${next.toString()}>; rel="next"`);
  }
  return page;
}
