/** Listing options shared by the stores: a page of rows and a name filter. */
import { sql, type RawBuilder } from 'kysely';

/** Which rows of a listing: `offset`/`limit` (all when absent) and a name substring. */
export interface ListOptions {
  offset?: number;
  limit?: number;
  /** Only names containing this text. */
  query?: string;
}

/**
 * `column LIKE '%query%'` with the query's own `%`, `_` and `\` taken literally (names hold `_`).
 * ESCAPE is standard SQL, the same text for SQLite and PostgreSQL.
 */
export function nameContains(column: string, query: string): RawBuilder<boolean> {
  return like(column, `%${literally(query)}%`);
}

/** `column LIKE 'prefix%'`, the prefix taken literally. */
export function startsWith(column: string, prefix: string): RawBuilder<boolean> {
  return like(column, `${literally(prefix)}%`);
}

const literally = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);
const like = (column: string, pattern: string): RawBuilder<boolean> => sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`;
