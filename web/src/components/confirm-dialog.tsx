/**
 * Confirmation for destructive actions, on the native modal <dialog>: it traps focus, closes
 * on Escape and restores focus to the opener by itself. Cancel has the first focus, so Enter
 * never deletes by accident; `confirmText` makes the person type a name first.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useAction } from '../lib/use-action.js';
import { useModal } from '../lib/use-modal.js';
import { ErrorMessage } from './error-message.js';

/** What to ask and what to do when confirmed. */
export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: ComponentChildren;
  /** The confirm button's words ("Delete tag"). */
  action: string;
  /** When set, the action stays disabled until this exact text is typed. */
  confirmText?: string;
  /** Runs the action; a rejection is shown in the dialog, which stays open. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

let seq = 0;

/** A modal confirmation. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const [id] = useState(() => `confirm-${++seq}`);
  const [typed, setTyped] = useState('');
  const { busy, error, run, clearError } = useAction();
  const ref = useModal(props.open, () => {
    setTyped('');
    clearError();
  });
  const confirm = async () => {
    if (await run(props.onConfirm)) props.onClose();
  };
  const blocked = busy || (props.confirmText !== undefined && typed !== props.confirmText);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`} onClose={props.onClose}>
      <h2 id={`${id}-title`} class="dialog__title">
        {props.title}
      </h2>
      <div id={`${id}-body`} class="dialog__body">
        {props.children}
      </div>
      {props.confirmText !== undefined && (
        <label class="field">
          <span class="field__label">
            Type <strong>{props.confirmText}</strong> to confirm
          </span>
          <input class="input" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} autocomplete="off" spellcheck={false} />
        </label>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
      <div class="dialog__actions">
        <button type="button" class="button" autofocus onClick={() => ref.current?.close()}>
          Cancel
        </button>
        <button type="button" class="button button--danger" disabled={blocked} aria-busy={busy} onClick={confirm}>
          {busy ? 'Working…' : props.action}
        </button>
      </div>
    </dialog>
  );
}
