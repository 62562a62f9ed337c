/** A data table's query as the management API's list parameters (`?q=&page=&page_size=`, pages from 1). */
import type { TableQuery } from './table-query.js';

/** The list parameters for `query`. */
export function listParams(query: TableQuery) {
  return {
    ...(query.filter.trim() ? { q: query.filter.trim() } : {}),
    page: query.page + 1,
    page_size: query.pageSize,
  };
}
