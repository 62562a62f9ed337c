/** Blob routes: GET/HEAD (with Range and optional redirect) and DELETE. */
import type { Readable } from 'node:stream';
import type { Response } from 'express';
import { UnsupportedError } from '../registry/errors.js';
import { parseDigest } from '../registry/reference.js';
import type { Handler } from './context.js';
import { parseRange } from './range.js';
import { empty } from './respond.js';

/** GET or HEAD /v2/<name>/blobs/<digest>. */
export const get: Handler = async ({ req, res, params, deps, origin }) => {
  const digest = parseDigest(params.ref);
  const { size } = await deps.registry.blobs.stat(params.name, digest);
  const headers: Record<string, string> = {
    'Docker-Content-Digest': digest.value,
    'Content-Type': 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    ETag: `"${digest.value}"`,
    'Cache-Control': 'max-age=31536000',
  };
  if (req.method === 'HEAD') return empty(res, 200, { ...headers, 'Content-Length': String(size) });
  if (!deps.config.storage.redirect.disable) {
    const url = await deps.registry.blobs.redirectURL(digest, req.method);
    if (url) return empty(res, 307, { Location: url, 'Docker-Content-Digest': digest.value });
  }
  const range = parseRange(req.get('range'), size);
  if (size === 0) {
    res
      .status(200)
      .set({ ...headers, 'Content-Length': '0' })
      .end();
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  const stream = await deps.registry.blobs.open(digest, start, end);
  res.status(range ? 206 : 200).set({ ...headers, 'Content-Length': String(end - start + 1) });
  if (range) res.set('Content-Range', `bytes ${start}-${end}/${size}`);
  await send(stream, res, (chunk) => deps.registry.blobs.sent(chunk));
  // A pull is a fact of this exchange (bytes sent), so it is announced here, not by the service.
  if (!range && res.writableFinished) {
    deps.registry.events.emit('blob.pulled', { repository: params.name, digest: digest.value, size }, origin);
  }
};

/**
 * Stream to the response like pipeline(), and hand each chunk to `sent` once the socket has
 * taken it (the write callback), so its buffer can be reused. A client that goes away ends
 * it quietly (leaving the loop destroys the source); a failing source cuts the response.
 */
async function send(source: Readable, res: Response, sent: (chunk: Buffer) => void): Promise<void> {
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (!res.write(chunk, () => sent(chunk)) && !(await drained(res))) return;
    }
    res.end();
  } catch (err) {
    res.destroy();
    throw err;
  }
}

/** True on 'drain', false when the response closes first. */
function drained(res: Response): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onDrain = () => {
      res.off('close', onClose);
      resolve(true);
    };
    const onClose = () => {
      res.off('drain', onDrain);
      resolve(false);
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/** DELETE /v2/<name>/blobs/<digest>: unlinks the blob from the repository. */
export const remove: Handler = async ({ res, params, deps, origin }) => {
  if (!deps.config.storage.delete.enabled) throw new UnsupportedError('deletes are disabled on this registry');
  const digest = parseDigest(params.ref);
  await deps.registry.blobs.unlink(params.name, digest, origin);
  empty(res, 202, { 'Docker-Content-Digest': digest.value });
};
