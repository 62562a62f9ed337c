/** An action started by a button or a form: busy while it runs, its refusal kept to show in plain words. */
import { useState } from 'preact/hooks';

/** What useAction gives: the state, and `run`, which resolves true when the action succeeded. */
export interface Action {
  busy: boolean;
  error: unknown;
  run(action: () => Promise<void>): Promise<boolean>;
  /** Forget the last refusal (a dialog opened again). */
  clearError(): void;
}

/** Busy and error state around one action at a time. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return {
    busy,
    error,
    async run(action) {
      setBusy(true);
      setError(undefined);
      try {
        await action();
        return true;
      } catch (err) {
        setError(err);
        return false;
      } finally {
        setBusy(false);
      }
    },
    clearError: () => setError(undefined),
  };
}
