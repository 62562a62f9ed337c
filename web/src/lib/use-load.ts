/**
 * Loading data for a page: one request per change of `deps`, stale answers dropped when the
 * page moves on, and a reload for after a change or for "Try again".
 */
import { useCallback, useEffect, useState } from 'preact/hooks';

/** What a page renders from: the data, the error, whether it is loading, and a reload. */
export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/** Run `load` now and whenever `deps` change (its AbortSignal fires when they change again). */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    setState((s) => ({ data: s.data, loading: true }));
    load(abort.signal).then(
      (data) => abort.signal.aborted || setState({ data, loading: false }),
      (error: unknown) => abort.signal.aborted || setState({ error, loading: false }),
    );
    return () => abort.abort();
  }, [...deps, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}
