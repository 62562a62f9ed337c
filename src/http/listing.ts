/** Listing routes: the base endpoint, tags list and catalog with n/last pagination. */
import type { Request } from 'express';
import { PaginationNumberInvalidError } from '../registry/errors.js';
import type { Handler } from './context.js';
import { json, jsonText, query } from './respond.js';

/** GET /v2/: the API version check. */
export const base: Handler = ({ res }) => json(res, 200, {});

// Rendered tag pages per sorted tag list. TagService returns the same frozen list until a tag
// changes, so a big repository's page is serialized once, not on every request.
const tagPages = new WeakMap<readonly string[], Map<string, { body: string; link: string | undefined }>>();
const PAGES_PER_LIST = 16;

/** GET /v2/<name>/tags/list. */
export const tags: Handler = async ({ req, res, params, deps }) => {
  const all = await deps.registry.tags.all(params.name);
  const key = `${query(req, 'n') ?? ''}\u0000${query(req, 'last') ?? ''}`;
  let pages = tagPages.get(all);
  let page = pages?.get(key);
  if (page === undefined) {
    const { items, link } = paginate(req, all, deps.config.tags.maxentries, `/v2/${params.name}/tags/list`);
    page = { body: JSON.stringify({ name: params.name, tags: items }), link };
    if (pages === undefined) tagPages.set(all, (pages = new Map()));
    if (pages.size < PAGES_PER_LIST) pages.set(key, page);
  }
  if (page.link) res.set('Link', page.link);
  jsonText(res, 200, page.body);
};

/** GET /v2/_catalog. */
export const catalog: Handler = async ({ req, res, deps, origin }) => {
  const caller =
    origin.actor === undefined
      ? undefined
      : { name: origin.actor, kind: origin.actorKind === 'robot' ? ('robot' as const) : ('user' as const) };
  const visible = await deps.visibility?.(caller);
  const stored = await deps.registry.catalog.all();
  const all = visible ? stored.filter(visible) : stored;
  const { items, link } = paginate(req, all, deps.config.catalog.maxentries, '/v2/_catalog');
  if (link) res.set('Link', link);
  jsonText(res, 200, JSON.stringify({ repositories: items }));
};

/**
 * One page of a lexically sorted list: entries after `last`, at most `n` (default and cap:
 * `max`), and the Link header value to the next page when there is one.
 */
export function paginate(req: Request, sorted: readonly string[], max: number, path: string): { items: string[]; link?: string } {
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
  const items = sorted.slice(from, from + n);
  if (n > 0 && from + n < sorted.length) {
    const next = new URLSearchParams({ n: String(n), last: items[items.length - 1]! });
    return { items, link: `<${path}?${next.toString()}>; rel="next"` };
  }
  return { items };
}
