/**
 * A real S3-protocol server for tests: s3rver 3.x on a free port over a temp directory, with
 * one bucket. It checks SigV4 signatures (account S3RVER/S3RVER) and lacks UploadPartCopy.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error s3rver ships no type declarations
import S3rver from 's3rver';

/** A running s3rver and the storage.s3 config section that points Berth at it. */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  dir: string;
  /** The `storage.s3` config section (lower-case keys), plus `extra`. */
  config(extra?: Record<string, unknown>): Record<string, unknown>;
  /** Stop the server (the directory stays until cleanup()). */
  stop(): Promise<void>;
  /** Stop and remove everything. */
  cleanup(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** Start s3rver with `bucket` on `port` (0: a free one), over `dir` (default: a new temp dir). */
export async function startS3rver(options: { bucket?: string; port?: number; dir?: string } = {}): Promise<TestS3> {
  const bucket = options.bucket ?? 'berth-test';
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'berth-s3rver-')));
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory: dir,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  }) as S3rverInstance;
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  let running = true;
  const stop = async (): Promise<void> => {
    if (!running) return;
    running = false;
    await server.close();
  };
  return {
    endpoint,
    bucket,
    dir,
    config: (extra = {}) => ({
      bucket,
      endpoint,
      region: 'us-east-1',
      forcepathstyle: true,
      accesskey: 'S3RVER',
      secretkey: 'S3RVER',
      ...extra,
    }),
    stop,
    cleanup: async () => {
      await stop();
      if (!options.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
