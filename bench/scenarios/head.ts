/** head-blob: HEAD requests over a set of small blobs at fixed concurrency. */
import { Client } from '../client.js';
import { forEachLimit, runLoad } from '../load.js';
import { hasBlob, pushBlob } from '../ops.js';
import { expectDigestHeader, expectHeader, expectStatus } from '../verify.js';
import type { Scenario } from './types.js';
import { rateMeasure } from './types.js';

const REPO = 'bench/head';

/** head-blob (req/s, p50/p99). */
export const headBlob: Scenario = {
  name: 'head-blob',
  rows: [{ row: 'head-blob', unit: 'req/s' }],
  prepare: async (t, ctx) => {
    const c = new Client(t.url, 16);
    try {
      await forEachLimit(ctx.fixtures.head(), 16, async (b) => {
        if (!(await hasBlob(c, REPO, b.digest))) await pushBlob(c, REPO, b);
      });
    } finally {
      c.close();
    }
  },
  run: async (t, ctx) => {
    const blobs = ctx.fixtures.head();
    const n = ctx.sizes.concurrency;
    const c = new Client(t.url, n);
    const r = await runLoad({
      concurrency: n,
      durationMs: ctx.sizes.durationMs,
      maxOps: 5_000_000,
      op: async (seq) => {
        const b = blobs[seq % blobs.length]!;
        const res = await c.send({ method: 'HEAD', path: `/v2/${REPO}/blobs/${b.digest}` });
        expectStatus(res, 200, 'HEAD blob');
        expectDigestHeader(res, b.digest, 'HEAD blob');
        expectHeader(res, 'Content-Length', 'HEAD blob', String(b.data.length));
      },
    });
    c.close();
    return [rateMeasure('head-blob', 'req/s', r)];
  },
};
