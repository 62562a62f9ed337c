/**
 * A form in a modal <dialog> (create a project, add a member, create a robot): the native
 * dialog traps focus and closes on Escape; the first field takes the focus; a refusal from
 * the server is shown in plain words and the dialog stays open.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useAction } from '../lib/use-action.js';
import { useModal } from '../lib/use-modal.js';
import { ErrorMessage } from './error-message.js';

/** The dialog's title, fields (children), submit words and action. */
export interface FormDialogProps {
  open: boolean;
  title: string;
  /** The submit button's words ("Create project"). */
  action: string;
  children?: ComponentChildren;
  /** Runs on submit; a rejection is shown and the dialog stays open. */
  onSubmit: () => Promise<void>;
  onClose: () => void;
}

let seq = 0;

/** A modal form. */
export function FormDialog(props: FormDialogProps) {
  const [id] = useState(() => `form-dialog-${++seq}`);
  const { busy, error, run, clearError } = useAction();
  const ref = useModal(props.open, (dialog) => {
    clearError();
    dialog.querySelector<HTMLElement>('input, select, textarea')?.focus();
  });
  const submit = (e: Event) => {
    e.preventDefault();
    void run(props.onSubmit);
  };
  return (
    <dialog ref={ref} class="dialog" aria-labelledby={`${id}-title`} onClose={props.onClose}>
      <form onSubmit={submit} class="dialog__form">
        <h2 id={`${id}-title`} class="dialog__title">
          {props.title}
        </h2>
        <div class="dialog__body">{props.children}</div>
        {error !== undefined && <ErrorMessage error={error} />}
        <div class="dialog__actions">
          <button type="button" class="button" onClick={() => ref.current?.close()}>
            Cancel
          </button>
          <button type="submit" class="button button--primary" disabled={busy} aria-busy={busy}>
            {busy ? 'Working…' : props.action}
          </button>
        </div>
      </form>
    </dialog>
  );
}
