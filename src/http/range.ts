/** Parsing of the Range and Content-Range headers used by blob reads and chunked uploads. */
import { BlobUploadInvalidError, RangeNotSatisfiableError } from '../registry/errors.js';
import type { ChunkRange } from '../registry/uploads.js';

/**
 * A single byte range of a blob of `size` bytes, inclusive; null means "the whole blob"
 * (no header, a malformed one, or several ranges, which RFC 9110 lets a server ignore).
 * A single range that cannot be served (reversed, or starting at or past the end) is
 * RangeNotSatisfiableError: 416 with `Content-Range: bytes *\/size`, never the whole blob,
 * which a client resuming a download would append to what it has.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) throw new RangeNotSatisfiableError('empty suffix range', size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) {
      throw new RangeNotSatisfiableError(`range ends at ${m[2]}, before its start ${start}`, size);
    }
  }
  if (start >= size) throw new RangeNotSatisfiableError(`range starts at ${start} but the blob has ${size} bytes`, size);
  return { start, end };
}

/** An upload chunk's Content-Range ("start-end", inclusive), or undefined when absent. */
export function parseContentRange(header: string | undefined): ChunkRange | undefined {
  if (header === undefined || header === '') return undefined;
  const m = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!m) throw new BlobUploadInvalidError('malformed Content-Range', { 'Content-Range': header });
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start) throw new BlobUploadInvalidError('Content-Range ends before it starts', { 'Content-Range': header });
  return { start, end };
}
