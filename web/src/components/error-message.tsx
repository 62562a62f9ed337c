/** An error in plain words (lib/errors.ts), announced to screen readers. */
import { describeError } from '../lib/errors.js';

/** Shows `error`; `retry` adds a "Try again" button. */
export function ErrorMessage({ error, retry }: { error: unknown; retry?: () => void }) {
  const { title, detail } = describeError(error);
  return (
    <div class="notice notice--error" role="alert">
      <p class="notice__title">{title}</p>
      <p>{detail}</p>
      {retry && (
        <button type="button" class="button button--small" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}
