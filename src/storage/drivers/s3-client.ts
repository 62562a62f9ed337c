/**
 * The S3 driver's connection: options, the SDK client (retries, timeouts, keep-alive), key
 * mapping from driver paths, and recognising S3 error kinds.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { ServerSideEncryption, StorageClass } from '@aws-sdk/client-s3';

/** Options of the `s3` storage section (see the config schema for their meaning). */
export interface S3DriverOptions {
  bucket: string;
  region: string;
  endpoint?: string;
  forcepathstyle: boolean;
  rootdirectory: string;
  accesskey?: string;
  secretkey?: string;
  chunksize: number;
  storageclass?: string;
  sse: boolean | 'AES256' | 'aws:kms';
  redirect: boolean;
}

/** S3's smallest part (except the last one of an upload). */
export const MIN_PART = 5 * 1024 * 1024;
/** S3's largest single CopyObject; bigger objects are copied part by part. */
export const MAX_COPY = 5 * 1024 * 1024 * 1024;
// Throttling, 5xx and timeouts are retried by the SDK's standard strategy (exponential backoff
// with jitter) up to this many attempts in all; what still fails becomes a 503 upstream.
const MAX_ATTEMPTS = 5;

/** What every S3 operation of the driver needs. */
export interface S3Context {
  client: S3Client;
  bucket: string;
  /** Key prefix without leading or trailing slash ("" for the bucket root). */
  root: string;
  chunkSize: number;
  /** Extra parameters for every object write (storage class, encryption). */
  writeParams: { StorageClass?: StorageClass; ServerSideEncryption?: ServerSideEncryption };
  /** For messages: "bucket B at endpoint E". */
  where: string;
}

/** Build the client and the shared context for `options`. */
export function createS3Context(options: S3DriverOptions): S3Context {
  const credentials =
    options.accesskey !== undefined && options.secretkey !== undefined
      ? { accessKeyId: options.accesskey, secretAccessKey: options.secretkey }
      : undefined; // the standard chain: env, shared files, SSO, instance/container roles
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcepathstyle,
    credentials,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard',
    // Only checksums S3 requires: many S3-compatible stores reject the newer trailing ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: 10_000,
      // Per request; parts are at most chunksize, so a stalled socket is the only way to hit it.
      requestTimeout: 120_000,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
    },
  });
  const sse = options.sse === true ? 'AES256' : options.sse === false ? undefined : options.sse;
  const writeParams: S3Context['writeParams'] = {};
  if (options.storageclass) writeParams.StorageClass = options.storageclass as StorageClass;
  if (sse) writeParams.ServerSideEncryption = sse;
  return {
    client,
    bucket: options.bucket,
    root: options.rootdirectory.replace(/^\/+|\/+$/g, ''),
    chunkSize: options.chunksize,
    writeParams,
    where: `bucket "${options.bucket}" at ${options.endpoint ?? `AWS S3 (${options.region})`}`,
  };
}

/**
 * The object key of a driver path, as Distribution's s3 driver computes it:
 * trimLeft(trimRight(rootdirectory, "/") + path, "/"). So "/docker/registry/v2/x" with root
 * "/registry/" is "registry/docker/registry/v2/x", and with no root "docker/registry/v2/x".
 */
export function keyOf(ctx: S3Context, path: string): string {
  const key = ctx.root === '' ? path.replace(/^\/+/, '') : `${ctx.root}${path === '/' ? '' : path}`;
  return key;
}

/** The driver path of an object key (the inverse of keyOf). */
export function pathOf(ctx: S3Context, key: string): string {
  const rel = ctx.root === '' ? key : key.slice(ctx.root.length);
  return rel.startsWith('/') ? rel : `/${rel}`;
}

/** The listing prefix for the children of a driver directory ("" or "root/" for "/"). */
export function dirPrefix(ctx: S3Context, path: string): string {
  const key = keyOf(ctx, path);
  return key === '' ? '' : `${key}/`;
}

/** HTTP status of an SDK error, if it has one. */
export function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** True for "no such key" answers (GetObject's NoSuchKey, HeadObject's bare 404). */
export function isNotFound(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || (err instanceof S3ServiceException && statusOf(err) === 404);
}

/** True when the backend does not implement an operation (s3rver: UploadPartCopy, AbortMultipartUpload). */
export function isNotImplemented(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'NotImplemented' || err.name === 'MethodNotAllowed' || statusOf(err) === 501 || statusOf(err) === 405;
}

/** True when a multipart upload id is unknown (aborted, or completed by another process). */
export function isNoSuchUpload(err: unknown): boolean {
  return err instanceof Error && err.name === 'NoSuchUpload';
}

/** True when a ranged GET starts at or after the end of the object. */
export function isInvalidRange(err: unknown): boolean {
  return err instanceof Error && (err.name === 'InvalidRange' || statusOf(err) === 416);
}
