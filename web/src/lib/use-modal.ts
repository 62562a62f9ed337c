/**
 * A native modal <dialog> that follows a boolean: shown with showModal() (which traps focus
 * and closes on Escape) when `open` turns true, closed when it turns false.
 */
import { useEffect, useRef } from 'preact/hooks';

/** The ref to put on the <dialog>; `onShown` runs each time it is shown (reset fields, move the focus). */
export function useModal(open: boolean, onShown?: (dialog: HTMLDialogElement) => void) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      onShown?.(dialog);
    } else if (!open && dialog.open) dialog.close();
  }, [open]);
  return ref;
}
