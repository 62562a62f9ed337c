/** head-blob: HEAD requests over a set of small blobs at fixed concurrency. */
import { forEachLimit } from '../load.js';
import { hasBlob, pushBlob } from '../ops.js';
import { expectDigestHeader, expectHeader, expectStatus } from '../verify.js';
import { timedRate, withClient } from './common.js';
import type { Scenario } from './types.js';

/** Repository of the head-blob blobs. */
export const HEAD_REPO = 'bench/head';
const REPO = HEAD_REPO;
const ROW = { row: 'head-blob', unit: 'req/s' };

/** head-blob (req/s, p50/p99). */
export const headBlob: Scenario = {
  name: 'head-blob',
  rows: [ROW],
  prepare: (t, ctx) =>
    withClient(t, 16, (c) =>
      forEachLimit(ctx.fixtures.head(), 16, async (b) => {
        if (!(await hasBlob(c, REPO, b.digest))) await pushBlob(c, REPO, b);
      }),
    ),
  run: (t, ctx) => {
    const blobs = ctx.fixtures.head();
    return timedRate(t, ctx, ROW, 5_000_000, async (c, seq) => {
      const b = blobs[seq % blobs.length]!;
      const res = await c.send({ method: 'HEAD', path: `/v2/${REPO}/blobs/${b.digest}` });
      expectStatus(res, 200, 'HEAD blob');
      expectDigestHeader(res, b.digest, 'HEAD blob');
      expectHeader(res, 'Content-Length', 'HEAD blob', String(b.data.length));
    });
  },
};
