/**
 * An open file on S3 is a multipart upload plus two objects beside the file's key: a state
 * object (upload id, parts, size) and, when the last bytes are fewer than S3's 5 MiB minimum
 * part, a tail object holding them. Keeping all of it in the bucket lets any process sharing
 * the bucket continue the file. Once the plain object exists it wins over any state left
 * beside it (a crash between completing and cleaning up leaves exactly that).
 */
import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { isNoSuchUpload, isNotFound, isNotImplemented, type S3Context } from './s3-client.js';

/** Marks the sidecar objects; "~" cannot occur in a driver path, so no file collides. */
export const SIDECAR = '~berth-';
const STATE_SUFFIX = `${SIDECAR}multipart`;

/** One uploaded part. */
export interface Part {
  n: number;
  etag: string;
  size: number;
}

/** Where an open file stands; `size` counts the parts plus the tail. */
export interface UploadState {
  uploadId: string;
  parts: Part[];
  size: number;
  /** Key of the tail object, when there are bytes beyond the parts. */
  tail?: string;
}

/** Key of the state object of a file. */
export const stateKey = (key: string): string => key + STATE_SUFFIX;
/** A fresh tail key: new tails get new names, so the state write switches atomically. */
export const newTailKey = (key: string): string => `${key}${SIDECAR}tail-${randomBytes(6).toString('hex')}`;
/** The file a listed key stands for: itself, a file's key for its state, null for a tail. */
export function fileKeyOf(key: string): string | null {
  const i = key.lastIndexOf(SIDECAR);
  if (i < 0 || key.indexOf('/', i) >= 0) return key;
  return key.endsWith(STATE_SUFFIX) ? key.slice(0, -STATE_SUFFIX.length) : null;
}

/** The whole object as a buffer, or null when it does not exist (small objects only). */
export async function getBuffer(ctx: S3Context, key: string): Promise<Buffer | null> {
  try {
    const out = await ctx.client.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Size and time of the plain object at `key`, or null when there is none. */
export async function headObject(ctx: S3Context, key: string): Promise<{ size: number; modTime: Date } | null> {
  try {
    const out = await ctx.client.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }));
    return { size: out.ContentLength ?? 0, modTime: out.LastModified ?? new Date() };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Store a whole object. */
export async function putBuffer(ctx: S3Context, key: string, body: Buffer): Promise<void> {
  await ctx.client.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: body, ContentLength: body.length, ...ctx.writeParams }));
}

/** Delete keys in batches of S3's 1000 (missing keys are not an error in S3). */
export async function deleteKeys(ctx: S3Context, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    const out = await ctx.client.send(
      new DeleteObjectsCommand({ Bucket: ctx.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
    );
    const failed = out.Errors?.[0];
    if (failed) throw new Error(`delete ${failed.Key}: ${failed.Code} ${failed.Message}`);
  }
}

/** The open-file state of `key`, or null when it has none. */
export async function loadState(ctx: S3Context, key: string): Promise<UploadState | null> {
  const raw = await getBuffer(ctx, stateKey(key));
  return raw === null ? null : (JSON.parse(raw.toString('utf8')) as UploadState);
}

/** Record the state (one PUT: this is the moment new parts and a new tail take effect). */
export function saveState(ctx: S3Context, key: string, state: UploadState): Promise<void> {
  return putBuffer(ctx, stateKey(key), Buffer.from(JSON.stringify(state)));
}

/** Start a multipart upload for `key`. */
export async function createUpload(ctx: S3Context, key: string): Promise<string> {
  const out = await ctx.client.send(new CreateMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, ...ctx.writeParams }));
  if (!out.UploadId) throw new Error(`no upload id for ${key}`);
  return out.UploadId;
}

/** Upload one part from a buffer; returns it as recorded in the state. */
export async function uploadPart(ctx: S3Context, key: string, uploadId: string, n: number, body: Buffer): Promise<Part> {
  const out = await ctx.client.send(
    new UploadPartCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId, PartNumber: n, Body: body, ContentLength: body.length }),
  );
  return { n, etag: out.ETag ?? '', size: body.length };
}

/** Complete a multipart upload with exactly `parts`, in order. */
export async function completeUpload(ctx: S3Context, key: string, uploadId: string, parts: Part[]): Promise<void> {
  await ctx.client.send(
    new CompleteMultipartUploadCommand({
      Bucket: ctx.bucket,
      Key: key,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.n, ETag: p.etag })) },
    }),
  );
}

/**
 * Abort a multipart upload; an already finished one is fine. A backend without
 * AbortMultipartUpload (s3rver) keeps the invisible parts until its own clean-up (on S3: an
 * AbortIncompleteMultipartUpload lifecycle rule), as after a crash.
 */
export async function abortUpload(ctx: S3Context, key: string, uploadId: string): Promise<void> {
  try {
    await ctx.client.send(new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId }));
  } catch (err) {
    if (!isNoSuchUpload(err) && !isNotFound(err) && !isNotImplemented(err)) throw err;
  }
}

/**
 * Turn an open file into a plain object: the tail becomes the last part (the last part may be
 * small), the upload is completed, the sidecars go. Returns false when `key` has no state.
 */
export async function finalize(ctx: S3Context, key: string): Promise<boolean> {
  const state = await loadState(ctx, key);
  if (state === null) return false;
  const parts = [...state.parts];
  try {
    if (state.tail) {
      const tail = await getBuffer(ctx, state.tail);
      if (tail === null) throw new Error(`tail object of ${key} is missing`);
      parts.push(await uploadPart(ctx, key, state.uploadId, parts.length + 1, tail));
    }
    await completeUpload(ctx, key, state.uploadId, parts);
  } catch (err) {
    // Another process completed it between our reads: its object is the file now.
    if (!isNoSuchUpload(err)) throw err;
  }
  await deleteKeys(ctx, sidecarsOf(key, state));
  return true;
}

/** Drop an open file's upload and sidecars (the plain object, if any, is left alone). */
export async function discard(ctx: S3Context, key: string, state: UploadState): Promise<void> {
  await abortUpload(ctx, key, state.uploadId);
  await deleteKeys(ctx, sidecarsOf(key, state));
}

/** The state and tail keys of a state. */
export function sidecarsOf(key: string, state: UploadState): string[] {
  return state.tail ? [state.tail, stateKey(key)] : [stateKey(key)];
}
