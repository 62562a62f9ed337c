/**
 * A file upload with progress. fetch() cannot report upload progress, XMLHttpRequest can
 * (xhr.upload.onprogress), so imports of multi-GB `docker save` tarballs go through this.
 */
import { ApiError, errorFromBody } from './errors.js';

/** Bytes sent so far of the whole body. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** How to send the file. */
export interface UploadOptions {
  method?: 'POST' | 'PUT';
  headers?: Record<string, string>;
  onProgress?: (p: UploadProgress) => void;
  signal?: AbortSignal;
  /** Send multipart/form-data with the file under this field (multer on the server); else the raw bytes. */
  field?: string;
}

/** Send `file` (raw, or as form field `field`); resolves with the JSON answer, rejects with ApiError. */
export function uploadFile(url: string, file: Blob, options: UploadOptions = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(options.method ?? 'POST', url);
    xhr.responseType = 'text';
    for (const [name, value] of Object.entries(options.headers ?? {})) xhr.setRequestHeader(name, value);
    let body: Blob | FormData = file;
    if (options.field) {
      body = new FormData();
      body.append(options.field, file);
    } else if (file.type) xhr.setRequestHeader('Content-Type', file.type);
    xhr.upload.onprogress = (e) => options.onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(errorFromBody(xhr.status, body));
    };
    xhr.onerror = () => reject(new ApiError(0, undefined, undefined));
    xhr.onabort = () => reject(new DOMException('upload cancelled', 'AbortError'));
    if (options.signal?.aborted) return reject(new DOMException('upload cancelled', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

function parse(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
