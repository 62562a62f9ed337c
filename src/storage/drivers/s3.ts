/**
 * The S3 driver (`storage: s3`), on the AWS SDK v3, for AWS S3 and S3-compatible stores
 * (MinIO, Ceph RGW, R2). Keys are Distribution's (root directory + driver path), so a bucket
 * written by registry:2 is served as it is. See s3-writer.ts and s3-multipart.ts for how
 * open files live in the bucket, s3-list.ts for listing.
 */
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import { InvalidOffsetError, PathNotFoundError, StorageUnavailableError } from '../driver.js';
import type { FileInfo, FileWriter, StorageDriver } from '../driver.js';
import type { WalkFn } from '../walk.js';
import { createS3Context, isInvalidRange, isNotFound, keyOf, statusOf, type S3Context, type S3DriverOptions } from './s3-client.js';
import { copyObject, openObject } from './s3-copy.js';
import { firstUnder, forEachPage, listChildren, walkKeys } from './s3-list.js';
import { deleteKeys, discard, fileKeyOf, finalize, getBuffer, headObject, loadState, putBuffer, SIDECAR } from './s3-multipart.js';
import { S3FileWriter } from './s3-writer.js';

// How long a presigned blob URL stays valid (Distribution uses 20 minutes too).
const REDIRECT_EXPIRY_SECONDS = 20 * 60;

/** A StorageDriver over one S3 bucket. */
export class S3Driver implements StorageDriver {
  readonly name = 's3';
  readonly #ctx: S3Context;
  readonly #redirect: boolean;

  constructor(options: S3DriverOptions) {
    this.#ctx = createS3Context(options);
    this.#redirect = options.redirect;
  }

  /** Fail with a clear message when the bucket is missing or the credentials are refused. */
  async check(): Promise<void> {
    try {
      await this.#ctx.client.send(new HeadBucketCommand({ Bucket: this.#ctx.bucket }));
      // Listing is needed anyway (catalog, tags), and some servers sign-check it more strictly.
      await firstUnder(this.#ctx, '/');
    } catch (err) {
      const status = statusOf(err);
      const reason =
        status === 404
          ? 'the bucket does not exist'
          : status === 403 || status === 401
            ? 'access denied: check accesskey/secretkey (or the AWS credential chain) and the bucket policy'
            : `${(err as Error).name}: ${(err as Error).message}`;
      throw new StorageUnavailableError(`storage s3: ${this.#ctx.where}: ${reason}`, { cause: err });
    }
  }

  async getContent(path: string): Promise<Buffer> {
    const key = keyOf(this.#ctx, path);
    const data = (await getBuffer(this.#ctx, key)) ?? ((await finalize(this.#ctx, key)) ? await getBuffer(this.#ctx, key) : null);
    if (data === null) throw new PathNotFoundError(path);
    return data;
  }

  async putContent(path: string, content: Buffer | string): Promise<void> {
    // A single PUT is atomic in S3: readers see the old object or the new one.
    await putBuffer(this.#ctx, keyOf(this.#ctx, path), typeof content === 'string' ? Buffer.from(content) : content);
  }

  async reader(path: string, offset = 0, end?: number): Promise<Readable> {
    const key = keyOf(this.#ctx, path);
    if (end !== undefined && end < offset) {
      await this.#checkOffset(path, key, offset);
      return Readable.from([], { objectMode: false });
    }
    const range = offset === 0 && end === undefined ? undefined : `bytes=${offset}-${end ?? ''}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await openObject(this.#ctx, key, range);
      } catch (err) {
        if (isNotFound(err) && attempt === 0 && (await finalize(this.#ctx, key))) continue;
        if (isNotFound(err)) throw new PathNotFoundError(path);
        if (!isInvalidRange(err)) throw err;
        // S3 refuses a range starting at the end; the driver contract answers it empty.
        await this.#checkOffset(path, key, offset);
        return Readable.from([], { objectMode: false });
      }
    }
  }

  writer(path: string, append: boolean): Promise<FileWriter> {
    return S3FileWriter.open(this.#ctx, keyOf(this.#ctx, path), append);
  }

  async stat(path: string): Promise<FileInfo> {
    const key = keyOf(this.#ctx, path);
    if (key !== '') {
      const file = await this.#statFile(key);
      if (file) return { path, ...file, isDir: false };
    }
    const first = await firstUnder(this.#ctx, path);
    if (!first) throw new PathNotFoundError(path);
    return { path, size: 0, modTime: first.LastModified ?? new Date(), isDir: true };
  }

  list(path: string): Promise<string[]> {
    return listChildren(this.#ctx, path);
  }

  async move(source: string, dest: string): Promise<void> {
    const from = keyOf(this.#ctx, source);
    const to = keyOf(this.#ctx, dest);
    if (from === to) return;
    if (await this.#moveFile(from, to)) return;
    // A directory: every key below it, one page at a time.
    let moved = false;
    await forEachPage(this.#ctx, `${from}/`, async ({ keys }) => {
      for (const { Key } of keys) {
        // Tails are skipped: an open upload is completed (from its state) by #moveFile.
        const file = Key === undefined ? null : fileKeyOf(Key);
        if (file === null) continue;
        if (await this.#moveFile(file, to + file.slice(from.length))) moved = true;
      }
    });
    if (!moved) throw new PathNotFoundError(source);
  }

  async delete(path: string): Promise<void> {
    const key = keyOf(this.#ctx, path);
    let found = false;
    // Prefix `key` covers the file, its sidecars and everything below it, in one sweep.
    await forEachPage(this.#ctx, key, async ({ keys }) => {
      const mine = keys.map((o) => o.Key ?? '').filter((k) => k === key || k.startsWith(`${key}/`) || k.startsWith(key + SIDECAR));
      for (const k of mine) {
        const file = fileKeyOf(k);
        if (file === null || file === k) continue;
        const state = await loadState(this.#ctx, file);
        if (state) await discard(this.#ctx, file, state);
      }
      if (mine.length) {
        found = true;
        await deleteKeys(this.#ctx, mine);
      }
    });
    if (!found) throw new PathNotFoundError(path);
  }

  async redirectURL(path: string, method: string): Promise<string | null> {
    if (!this.#redirect || (method !== 'GET' && method !== 'HEAD')) return null;
    const command = new GetObjectCommand({ Bucket: this.#ctx.bucket, Key: keyOf(this.#ctx, path) });
    return getSignedUrl(this.#ctx.client, command, { expiresIn: REDIRECT_EXPIRY_SECONDS });
  }

  walk(path: string, fn: WalkFn): Promise<void> {
    return walkKeys(this.#ctx, path, fn);
  }

  // Size and time of a plain object, or of an open upload (its state); null for neither.
  async #statFile(key: string): Promise<{ size: number; modTime: Date } | null> {
    const head = await headObject(this.#ctx, key);
    if (head) return head;
    const state = await loadState(this.#ctx, key);
    return state ? { size: state.size, modTime: new Date() } : null;
  }

  // Copy then delete (S3 has no rename); an open upload is completed first. False when absent.
  async #moveFile(from: string, to: string): Promise<boolean> {
    let head = await headObject(this.#ctx, from);
    if (head === null && (await finalize(this.#ctx, from))) head = await headObject(this.#ctx, from);
    if (head === null) return false;
    await copyObject(this.#ctx, from, to, head.size);
    await this.#ctx.client.send(new DeleteObjectCommand({ Bucket: this.#ctx.bucket, Key: from }));
    return true;
  }

  async #checkOffset(path: string, key: string, offset: number): Promise<void> {
    const file = await this.#statFile(key);
    if (file === null) throw new PathNotFoundError(path);
    if (offset > file.size) throw new InvalidOffsetError(path, offset);
  }
}
