/**
 * Copying objects inside the bucket: server-side (CopyObject, or UploadPartCopy beyond 5 GiB)
 * when the backend has it, streamed through this process (GetObject → parts) when it does
 * not. Neither holds more than one part in memory.
 */
import { CopyObjectCommand, GetObjectCommand, UploadPartCopyCommand } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { isNotImplemented, MAX_COPY, type S3Context } from './s3-client.js';
import { abortUpload, completeUpload, createUpload, putBuffer, uploadPart, type Part } from './s3-multipart.js';

/** Copy `src` (of `size` bytes) to `dst`, replacing it; nothing is visible at `dst` before the end. */
export async function copyObject(ctx: S3Context, src: string, dst: string, size: number): Promise<void> {
  try {
    if (size <= MAX_COPY) {
      await ctx.client.send(new CopyObjectCommand({ Bucket: ctx.bucket, Key: dst, CopySource: copySource(ctx, src), ...ctx.writeParams }));
    } else {
      await partCopy(ctx, src, dst, size);
    }
  } catch (err) {
    if (!isNotImplemented(err)) throw err;
    await streamCopy(ctx, src, dst);
  }
}

/**
 * Server-side copy of `src` into parts `first..` of an open multipart upload, in even ranges
 * of at most 5 GiB (so none is under the 5 MiB minimum). Throws NotImplemented where missing.
 */
export async function copyIntoParts(
  ctx: S3Context,
  src: string,
  dst: string,
  uploadId: string,
  size: number,
  first: number,
): Promise<Part[]> {
  const count = Math.max(1, Math.ceil(size / MAX_COPY));
  const each = Math.ceil(size / count);
  const parts: Part[] = [];
  for (let i = 0, start = 0; i < count; i++, start += each) {
    const end = Math.min(size, start + each) - 1;
    const out = await ctx.client.send(
      new UploadPartCopyCommand({
        Bucket: ctx.bucket,
        Key: dst,
        UploadId: uploadId,
        PartNumber: first + i,
        CopySource: copySource(ctx, src),
        CopySourceRange: `bytes=${start}-${end}`,
      }),
    );
    parts.push({ n: first + i, etag: out.CopyPartResult?.ETag ?? '', size: end - start + 1 });
  }
  return parts;
}

/** The object's bytes as a stream, from `start` to `end` inclusive when given. */
export async function openObject(ctx: S3Context, key: string, range?: string): Promise<Readable> {
  const out = await ctx.client.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: key, Range: range }));
  return out.Body as Readable;
}

/** Yield `source` re-cut into buffers of exactly `size` bytes (the last one may be shorter). */
export async function* rechunk(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of source) {
    pending.push(chunk);
    bytes += chunk.length;
    while (bytes >= size) {
      const all = Buffer.concat(pending, bytes);
      yield all.subarray(0, size);
      pending = [all.subarray(size)];
      bytes -= size;
    }
  }
  if (bytes > 0) yield Buffer.concat(pending, bytes);
}

async function partCopy(ctx: S3Context, src: string, dst: string, size: number): Promise<void> {
  const uploadId = await createUpload(ctx, dst);
  try {
    await completeUpload(ctx, dst, uploadId, await copyIntoParts(ctx, src, dst, uploadId, size, 1));
  } catch (err) {
    await abortUpload(ctx, dst, uploadId).catch(() => undefined);
    throw err;
  }
}

// The fallback: one part in memory at a time; an object smaller than a part is one PUT.
async function streamCopy(ctx: S3Context, src: string, dst: string): Promise<void> {
  let uploadId: string | undefined;
  const parts: Part[] = [];
  try {
    for await (const part of rechunk(await openObject(ctx, src), ctx.chunkSize)) {
      if (uploadId === undefined && part.length < ctx.chunkSize) return await putBuffer(ctx, dst, part);
      uploadId ??= await createUpload(ctx, dst);
      parts.push(await uploadPart(ctx, dst, uploadId, parts.length + 1, part));
    }
    if (uploadId === undefined) return await putBuffer(ctx, dst, Buffer.alloc(0));
    await completeUpload(ctx, dst, uploadId, parts);
  } catch (err) {
    if (uploadId !== undefined) await abortUpload(ctx, dst, uploadId).catch(() => undefined);
    throw err;
  }
}

// CopySource is "bucket/key" with the key URL-encoded (slashes kept).
function copySource(ctx: S3Context, key: string): string {
  return `${ctx.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
