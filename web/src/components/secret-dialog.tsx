/**
 * The one time a robot's secret is shown: its login name and secret, each with a copy button,
 * and the warning that it cannot be shown again. Closing the dialog forgets the secret.
 */
import { useModal } from '../lib/use-modal.js';
import { CopyButton } from './copy-button.js';

/** Shows `secret` for `name` while `open`. */
export function SecretDialog({
  title,
  name,
  secret,
  onClose,
}: {
  title: string;
  name: string;
  secret: string | undefined;
  onClose: () => void;
}) {
  const ref = useModal(secret !== undefined);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="secret-title" onClose={onClose}>
      <h2 id="secret-title" class="dialog__title">
        {title}
      </h2>
      <p class="notice">Copy the secret now: Berth keeps only a hash of it and cannot show it again.</p>
      <dl class="facts">
        <dt>Name</dt>
        <dd class="command">
          <code data-robot-name>{name}</code>
          <CopyButton text={name} what="robot name" />
        </dd>
        <dt>Secret</dt>
        <dd class="command">
          <code data-robot-secret>{secret}</code>
          <CopyButton text={secret ?? ''} what="secret" />
        </dd>
      </dl>
      <div class="dialog__actions">
        <button type="button" class="button button--primary" onClick={() => ref.current?.close()}>
          Done
        </button>
      </div>
    </dialog>
  );
}
