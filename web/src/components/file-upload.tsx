/** Choose a file and send it with a progress bar and a Cancel button (lib/upload.ts). */
import { useRef, useState } from 'preact/hooks';
import { formatBytes } from '../lib/format.js';
import { uploadFile, type UploadOptions, type UploadProgress } from '../lib/upload.js';
import { ErrorMessage } from './error-message.js';

/** Where and how to send the file, and what to do with the server's answer. */
export interface FileUploadProps {
  label: string;
  url: string;
  accept?: string;
  method?: UploadOptions['method'];
  /** Multipart field name; the raw file is the body when absent. */
  field?: string;
  headers?: () => Record<string, string>;
  onDone: (answer: unknown) => void;
}

let seq = 0;

/** The upload form. */
export function FileUpload(props: FileUploadProps) {
  const [id] = useState(() => `upload-${++seq}`);
  const input = useRef<HTMLInputElement>(null);
  const abort = useRef<AbortController | undefined>(undefined);
  const [progress, setProgress] = useState<UploadProgress>();
  const [error, setError] = useState<unknown>();
  const busy = progress !== undefined;
  const start = async (e: Event) => {
    e.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) return setError(new Error('Choose a file first.'));
    setError(undefined);
    abort.current = new AbortController();
    setProgress({ loaded: 0, total: file.size });
    try {
      const answer = await uploadFile(props.url, file, {
        method: props.method,
        field: props.field,
        headers: props.headers?.(),
        signal: abort.current.signal,
        onProgress: setProgress,
      });
      props.onDone(answer);
    } catch (err) {
      setError(err);
    } finally {
      setProgress(undefined);
    }
  };
  const percent = progress && progress.total > 0 ? Math.floor((progress.loaded / progress.total) * 100) : 0;
  return (
    <form class="upload" onSubmit={start}>
      <label class="field" for={`${id}-file`}>
        <span class="field__label">{props.label}</span>
      </label>
      <input id={`${id}-file`} class="input" ref={input} type="file" accept={props.accept} disabled={busy} />
      <div class="upload__actions">
        <button type="submit" class="button button--primary" disabled={busy}>
          Upload
        </button>
        {busy && (
          <button type="button" class="button" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        )}
      </div>
      {progress && (
        <div class="upload__progress">
          <progress id={`${id}-progress`} max={progress.total || 1} value={progress.loaded} aria-label="Upload progress" />
          <span aria-live="polite">
            {formatBytes(progress.loaded)} of {formatBytes(progress.total)} ({percent}%)
          </span>
        </div>
      )}
      {error !== undefined && <ErrorMessage error={error} />}
    </form>
  );
}
