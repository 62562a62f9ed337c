/** Where toasts appear: a polite live region for news, an assertive one for errors (each around a list, which keeps its list role). */
import { dismissToast, toasts, type Toast } from '../lib/toasts.js';
import { useStore } from '../lib/store.js';

function Item({ toast }: { toast: Toast }) {
  return (
    <li class={`toast toast--${toast.kind}`}>
      <span class="toast__text">{toast.text}</span>
      <button type="button" class="toast__close" aria-label="Dismiss message" onClick={() => dismissToast(toast.id)}>
        ×
      </button>
    </li>
  );
}

/** The toast regions (rendered once, by the shell). */
export function Toaster() {
  const all = useStore(toasts);
  return (
    <div class="toaster">
      <div role="status" aria-live="polite">
        <ul class="toaster__list">
          {all
            .filter((t) => t.kind !== 'error')
            .map((t) => (
              <Item key={t.id} toast={t} />
            ))}
        </ul>
      </div>
      <div role="alert" aria-live="assertive">
        <ul class="toaster__list">
          {all
            .filter((t) => t.kind === 'error')
            .map((t) => (
              <Item key={t.id} toast={t} />
            ))}
        </ul>
      </div>
    </div>
  );
}
