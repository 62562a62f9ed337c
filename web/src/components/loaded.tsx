/** A page part that waits for its data: "Loading…", the error in plain words with "Try again", or the content. */
import type { ComponentChildren } from 'preact';
import type { Loaded } from '../lib/use-load.js';
import { ErrorMessage } from './error-message.js';

/** Renders `children(data)` once `loaded` has data. */
export function LoadedView<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.error !== undefined) return <ErrorMessage error={loaded.error} retry={loaded.reload} />;
  // null while loading: a loader that waited for something (the server's capabilities) before asking.
  if (loaded.data === undefined || (loaded.data === null && loaded.loading))
    return (
      <p class="notice" aria-live="polite">
        Loading…
      </p>
    );
  return <>{children(loaded.data)}</>;
}
