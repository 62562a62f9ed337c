/**
 * A table with a filter, sortable columns and pages. Rows come either all at once (filtered
 * and paged in memory: 10,000 tags stay instant, since only one page is ever in the DOM) or
 * page by page from the API (`load`), with the same controls.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { pageCount, queryRows, type QueryColumn, type TablePage, type TableQuery } from '../lib/table-query.js';
import { ErrorMessage } from './error-message.js';

/** One column: how a cell looks, and (from QueryColumn) how it filters and sorts. */
export interface Column<T> extends QueryColumn<T> {
  header: string;
  cell: (row: T) => ComponentChildren;
  /** Numbers align right. */
  numeric?: boolean;
}

/** All rows in memory, or a loader the server pages for (keep its identity stable, e.g. useCallback: a new one reloads). */
export type RowSource<T> = { rows: readonly T[] } | { load: (query: TableQuery, signal: AbortSignal) => Promise<TablePage<T>> };

/** What the table shows. */
export interface DataTableProps<T> {
  /** The table's accessible name ("Tags of team/app"). */
  caption: string;
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  source: RowSource<T>;
  pageSizes?: readonly number[];
  emptyText?: string;
  initialSort?: TableQuery['sort'];
  /** Show the filter box (default true; a page with its own filters turns it off). */
  filterable?: boolean;
}

const DEFAULT_SIZES = [25, 50, 100] as const;

/** The table. */
export function DataTable<T>(props: DataTableProps<T>) {
  const sizes = props.pageSizes ?? DEFAULT_SIZES;
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState(props.initialSort);
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(sizes[0]!);
  const query: TableQuery = { filter, sort, page, pageSize };
  const result = useRows(props, query);
  const total = result.data?.total ?? 0;
  const pages = pageCount(total, pageSize);
  const shownPage = Math.min(page, pages - 1);
  const first = total === 0 ? 0 : shownPage * pageSize + 1;
  const last = Math.min(total, (shownPage + 1) * pageSize);

  const toggleSort = (key: string) => {
    setSort(sort?.key === key ? { key, descending: !sort.descending } : { key, descending: false });
    setPage(0);
  };
  return (
    <div class="data-table">
      <div class="data-table__tools">
        {props.filterable !== false && (
          <label class="field field--inline">
            <span class="field__label">Filter</span>
            <input
              class="input"
              type="search"
              value={filter}
              onInput={(e) => {
                setFilter(e.currentTarget.value);
                setPage(0);
              }}
            />
          </label>
        )}
        <span class="data-table__count" aria-live="polite">
          {result.loading ? 'Loading…' : total === 0 ? 'No rows' : `${first}–${last} of ${total}`}
        </span>
      </div>
      {result.error !== undefined && <ErrorMessage error={result.error} retry={result.retry} />}
      <div class="data-table__scroll" role="region" aria-label={props.caption} tabIndex={0}>
        <table class="table" aria-busy={result.loading}>
          <caption class="visually-hidden">{props.caption}</caption>
          <thead>
            <tr>
              {props.columns.map((c) => (
                <th
                  key={c.key}
                  scope="col"
                  class={c.numeric ? 'numeric' : undefined}
                  aria-sort={sort?.key === c.key ? (sort.descending ? 'descending' : 'ascending') : undefined}
                >
                  {c.sortValue ? (
                    <button type="button" class="table__sort" onClick={() => toggleSort(c.key)}>
                      {c.header}
                      <span aria-hidden="true" class="table__sort-mark">
                        {sort?.key === c.key ? (sort.descending ? '▼' : '▲') : ''}
                      </span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(result.data?.rows ?? []).map((row) => (
              <tr key={props.rowKey(row)}>
                {props.columns.map((c) => (
                  <td key={c.key} class={c.numeric ? 'numeric' : undefined}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
            {!result.loading && total === 0 && (
              <tr>
                <td colSpan={props.columns.length} class="table__empty">
                  {filter ? 'Nothing matches the filter.' : (props.emptyText ?? 'Nothing here yet.')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label={`Pages of ${props.caption}`}>
        <button type="button" class="button button--small" disabled={shownPage === 0} onClick={() => setPage(shownPage - 1)}>
          Previous
        </button>
        <span class="pager__where">
          Page {shownPage + 1} of {pages}
        </span>
        <button type="button" class="button button--small" disabled={shownPage >= pages - 1} onClick={() => setPage(shownPage + 1)}>
          Next
        </button>
        <label class="field field--inline">
          <span class="field__label">Rows per page</span>
          <select
            class="input"
            value={pageSize}
            onChange={(e) => {
              setPageSize(Number(e.currentTarget.value));
              setPage(0);
            }}
          >
            {sizes.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </nav>
    </div>
  );
}

interface Rows<T> {
  data?: TablePage<T>;
  loading: boolean;
  error?: unknown;
  retry?: () => void;
}

/** The page the query asks for, from memory or from the loader (typing is debounced, stale answers dropped). */
function useRows<T>(props: DataTableProps<T>, query: TableQuery): Rows<T> {
  const { source, columns } = props;
  const local = 'rows' in source ? source.rows : undefined;
  const memo = useMemo(
    () => (local ? queryRows(local, columns, query) : undefined),
    [local, columns, query.filter, query.sort?.key, query.sort?.descending, query.page, query.pageSize],
  );
  const [remote, setRemote] = useState<Rows<T>>({ loading: !local });
  const [attempt, setAttempt] = useState(0);
  const load = 'load' in source ? source.load : undefined;
  useEffect(() => {
    if (!load) return;
    const abort = new AbortController();
    setRemote((r) => ({ ...r, loading: true, error: undefined }));
    const timer = setTimeout(() => {
      load(query, abort.signal).then(
        (data) => setRemote({ data, loading: false }),
        (error: unknown) => abort.signal.aborted || setRemote({ loading: false, error }),
      );
    }, 150);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [load, query.filter, query.sort?.key, query.sort?.descending, query.page, query.pageSize, attempt]);
  if (memo) return { data: memo, loading: false };
  return { ...remote, retry: () => setAttempt((n) => n + 1) };
}
