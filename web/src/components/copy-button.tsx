/** A button that copies a text (a pull command, a full digest) and says so. */
import { useEffect, useState } from 'preact/hooks';
import { copyText } from '../lib/clipboard.js';
import { showToast } from '../lib/toasts.js';

/**
 * Copies `text`; `what` completes the accessible name ("Copy docker pull command") while the
 * visible word stays "Copy", so the name still contains what is seen (WCAG 2.5.3).
 */
export function CopyButton({ text, what }: { text: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);
  const onClick = async () => {
    const ok = await copyText(text);
    setState(ok ? 'copied' : 'failed');
    if (!ok) showToast('error', 'The browser did not allow copying. Select the text and copy it by hand.');
  };
  return (
    <>
      <button type="button" class="button button--small copy-button" title={`Copy ${what}`} onClick={onClick}>
        {state === 'copied' ? 'Copied' : 'Copy'}
        <span class="visually-hidden"> {what}</span>
      </button>
      <span class="visually-hidden" role="status">
        {state === 'copied' ? `${what} copied to the clipboard` : ''}
      </span>
    </>
  );
}

/** A command shown as code with its copy button. */
export function CommandLine({ command, what }: { command: string; what: string }) {
  return (
    <div class="command">
      <code class="command__text">{command}</code>
      <CopyButton text={command} what={what} />
    </div>
  );
}
