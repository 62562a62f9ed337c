/** Streaming HTTP helpers shared by the single-layer benches (memory, s3): sources, calls, RSS. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { Readable } from 'node:stream';

/** Current and peak resident set size of a process, in MiB. */
export async function rss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** A deterministic stream of `n` bytes, built from one random 1 MiB block. */
export function source(n: number, block: Buffer): Readable {
  let sent = 0;
  return new Readable({
    highWaterMark: 1 << 20,
    read() {
      if (sent >= n) return void this.push(null);
      const part = block.subarray(0, Math.min(block.length, n - sent));
      sent += part.length;
      this.push(part);
    },
  });
}

/** One request with an optional streamed body; the answer is hashed and counted, never kept. */
export function call(method: string, url: string, headers: Record<string, string> = {}, body?: Readable) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; digest?: string; bytes: number }>(
    (resolve, reject) => {
      const req = request(url, { method, headers }, (res) => {
        const hash = createHash('sha256');
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          hash.update(c);
          bytes += c.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, digest: `sha256:${hash.digest('hex')}`, bytes }));
        res.on('error', reject);
      });
      req.on('error', reject);
      if (body) body.pipe(req);
      else req.end();
    },
  );
}
