/**
 * A real S3-protocol server for tests: s3rver 3.x in its own process, on a free port over a
 * temp directory, with one bucket. It knows one access key id (S3RVER; SigV4 signatures are
 * not verified) and lacks UploadPartCopy, so the driver's streamed fallbacks run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 's3rver-process.mjs');

/** A running s3rver and the storage.s3 config section that points Berth at it. */
export interface TestS3 {
  endpoint: string;
  port: number;
  bucket: string;
  dir: string;
  /** The `storage.s3` config section (lower-case keys), plus `extra`. */
  config(extra?: Record<string, unknown>): Record<string, unknown>;
  /** Stop the server (the directory stays until cleanup()). */
  stop(): Promise<void>;
  /** Stop and remove everything. */
  cleanup(): Promise<void>;
}

/** Start s3rver with `bucket` on `port` (0: a free one), over `dir` (default: a new temp dir). */
export async function startS3rver(options: { bucket?: string; port?: number; dir?: string } = {}): Promise<TestS3> {
  const bucket = options.bucket ?? 'berth-test';
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'berth-s3rver-')));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', MAIN, dir, bucket, String(options.port ?? 0)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await firstLine(child);
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return {
    endpoint,
    port,
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

// The launcher prints {"port":N} when it listens; anything else is a failed start.
function firstLine(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code} before listening`)));
    lines.once('line', (line) => {
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch {
        reject(new Error(`s3rver: unexpected output ${line}`));
      }
    });
  });
}
