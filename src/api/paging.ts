/**
 * Pagination of the API's listings: `page` (from 1) and `page_size` in the query; the answer
 * is `{items, total}` with `X-Total-Count` and an RFC 8288 `Link` header (first, prev, next, last).
 */
import type { Request, Response } from 'express';
import { z, type ZodTypeAny } from 'zod';

/** The largest page a client may ask for. */
export const MAX_PAGE_SIZE = 500;

/** Query parameters of every paged listing (`q` filters by name where the listing has names). */
export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  q: z.string().max(200).optional(),
});

/** The page a client asked for. */
export type PageQuery = z.output<typeof pageQuery>;

/** The body of a page of `item`. */
export const pageOf = <T extends ZodTypeAny>(item: T) => z.object({ items: z.array(item), total: z.number().int() });

/** Offset and limit for a store listing. */
export function window(q: Pick<PageQuery, 'page' | 'page_size'>): { offset: number; limit: number } {
  return { offset: (q.page - 1) * q.page_size, limit: q.page_size };
}

/** A page cut from a whole list (for listings a store does not page). */
export function slice<T>(all: readonly T[], q: Pick<PageQuery, 'page' | 'page_size'>): { items: T[]; total: number } {
  const { offset, limit } = window(q);
  return { items: all.slice(offset, offset + limit), total: all.length };
}

/** Set X-Total-Count and Link for a page of `total` items. */
export function setPageHeaders(req: Request, res: Response, q: Pick<PageQuery, 'page' | 'page_size'>, total: number): void {
  res.setHeader('X-Total-Count', String(total));
  const last = Math.max(1, Math.ceil(total / q.page_size));
  const url = (page: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query)) {
      for (const one of Array.isArray(v) ? v : [v]) if (typeof one === 'string') params.append(k, one);
    }
    params.set('page', String(page));
    params.set('page_size', String(q.page_size));
    return `<${req.baseUrl}${req.path}?${params.toString()}>`;
  };
  const links = [`${url(1)}; rel="first"`];
  if (q.page > 1) links.push(`${url(Math.min(q.page - 1, last))}; rel="prev"`);
  if (q.page < last) links.push(`${url(q.page + 1)}; rel="next"`);
  links.push(`${url(last)}; rel="last"`);
  res.setHeader('Link', links.join(', '));
}
