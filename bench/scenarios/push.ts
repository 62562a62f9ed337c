/** Blob push scenarios: large streamed uploads, chunked uploads, many small blobs. */
import { Client } from '../client.js';
import { runLoad } from '../load.js';
import { finishUpload, nextLocation, pushBlob, startUpload } from '../ops.js';
import type { Target } from '../servers.js';
import { ErrorTally, expectHeader, expectStatus } from '../verify.js';
import type { Ctx, Scenario } from './types.js';

const MB = 1e6;

/** Repository holding the large blobs (pull-large reads them back). */
export const LARGE_REPO = 'bench/large';

/** push-large: each blob is POST, one streamed PATCH (chunked encoding, as docker sends it), PUT ?digest=. */
export const pushLarge: Scenario = {
  name: 'push-large',
  rows: [{ row: 'push-large', unit: 'MB/s' }],
  prepare: async (_t: Target, ctx: Ctx) => {
    ctx.fixtures.large();
  },
  run: async (t, ctx) => {
    const blobs = ctx.fixtures.large();
    const c = new Client(t.url, 1);
    const errors = new ErrorTally();
    let bytes = 0;
    const start = performance.now();
    for (const blob of blobs) {
      try {
        const loc = await startUpload(c, LARGE_REPO);
        const res = await c.send({
          method: 'PATCH',
          path: loc,
          headers: { 'Content-Type': 'application/octet-stream' },
          body: blob.stream(),
          timeoutMs: 300_000,
        });
        expectStatus(res, 202, 'PATCH upload');
        expectHeader(res, 'Range', 'PATCH upload', `0-${blob.size - 1}`);
        await finishUpload(c, nextLocation(c, res, 'PATCH upload'), blob.digest);
        bytes += blob.size;
      } catch (err) {
        errors.add(err);
      }
    }
    const s = (performance.now() - start) / 1000;
    c.close();
    return [
      {
        row: 'push-large',
        unit: 'MB/s',
        value: bytes / MB / s,
        ops: blobs.length - errors.count,
        errors: errors.count,
        errorSamples: errors.samples,
      },
    ];
  },
};

/** push-chunked: one blob in fixed-size PATCHes with Content-Range, then PUT ?digest=. */
export const pushChunked: Scenario = {
  name: 'push-chunked',
  rows: [{ row: 'push-chunked', unit: 'MB/s' }],
  prepare: async (_t, ctx) => {
    ctx.fixtures.chunked();
  },
  run: async (t, ctx) => {
    const blob = ctx.fixtures.chunked();
    const chunk = ctx.sizes.chunkBytes;
    const c = new Client(t.url, 1);
    const errors = new ErrorTally();
    let bytes = 0;
    const start = performance.now();
    try {
      let loc = await startUpload(c, 'bench/chunked');
      for (let from = 0; from < blob.size; from += chunk) {
        const to = Math.min(blob.size, from + chunk);
        const res = await c.send({
          method: 'PATCH',
          path: loc,
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${from}-${to - 1}` },
          body: blob.bytes(from, to),
        });
        expectStatus(res, 202, `PATCH ${from}-${to - 1}`);
        expectHeader(res, 'Range', `PATCH ${from}-${to - 1}`, `0-${to - 1}`);
        loc = nextLocation(c, res, 'PATCH upload');
      }
      await finishUpload(c, loc, blob.digest);
      bytes = blob.size;
    } catch (err) {
      errors.add(err);
    }
    const s = (performance.now() - start) / 1000;
    c.close();
    return [
      { row: 'push-chunked', unit: 'MB/s', value: bytes / MB / s, ops: bytes ? 1 : 0, errors: errors.count, errorSamples: errors.samples },
    ];
  },
};

/** push-small: many small blobs, POST then PUT ?digest= with the body, at fixed concurrency. */
export const pushSmall: Scenario = {
  name: 'push-small',
  rows: [{ row: 'push-small', unit: 'blobs/s' }],
  prepare: async (_t, ctx) => {
    ctx.fixtures.small();
  },
  run: async (t, ctx) => {
    const blobs = ctx.fixtures.small();
    const c = new Client(t.url, ctx.sizes.smallConcurrency);
    const r = await runLoad({
      concurrency: ctx.sizes.smallConcurrency,
      durationMs: 300_000,
      maxOps: blobs.length,
      op: (seq) => pushBlob(c, 'bench/small', blobs[seq]!),
    });
    c.close();
    return [
      {
        row: 'push-small',
        unit: 'blobs/s',
        value: r.ops / (r.elapsedMs / 1000),
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
        ops: r.ops,
        errors: r.errors.count + (blobs.length - r.ops - r.errors.count),
        errorSamples: r.errors.samples,
      },
    ];
  },
};
