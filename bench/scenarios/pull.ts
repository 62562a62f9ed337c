/** pull-large: the large blobs read back one after another, then all in parallel (bodies hashed). */
import { getBlob, hasBlob, finishUpload, nextLocation, startUpload } from '../ops.js';
import { ErrorTally, expectStatus } from '../verify.js';
import type { PatternBlob } from '../data.js';
import type { Measure, Scenario } from './types.js';
import type { Target } from '../servers.js';
import { withClient } from './common.js';
import { LARGE_REPO } from './push.js';

const MB = 1e6;

/** pull-large (sequential and parallel rows). */
export const pullLarge: Scenario = {
  name: 'pull-large',
  rows: [
    { row: 'pull-large seq', unit: 'MB/s' },
    { row: 'pull-large par4', unit: 'MB/s' },
  ],
  // push-large normally left the blobs there; push any that are missing (untimed).
  prepare: (t, ctx) =>
    withClient(t, 1, async (c) => {
      for (const blob of ctx.fixtures.large()) {
        if (await hasBlob(c, LARGE_REPO, blob.digest)) continue;
        const loc = await startUpload(c, LARGE_REPO);
        const res = await c.send({ method: 'PATCH', path: loc, body: blob.stream(), timeoutMs: 300_000 });
        expectStatus(res, 202, 'PATCH upload');
        await finishUpload(c, nextLocation(c, res, 'PATCH upload'), blob.digest);
      }
    }),
  run: async (t, ctx) => {
    const blobs = ctx.fixtures.large();
    return [await pullAll(t, blobs, false, 'pull-large seq'), await pullAll(t, blobs, true, 'pull-large par4')];
  },
};

/** Pull every blob, one after another or all at once (one connection each), as a MB/s row. */
function pullAll(t: Target, blobs: readonly PatternBlob[], parallel: boolean, row: string): Promise<Measure> {
  return withClient(t, parallel ? blobs.length : 1, async (c) => {
    const errors = new ErrorTally();
    let bytes = 0;
    const one = async (b: PatternBlob): Promise<void> => {
      try {
        const n = await getBlob(c, LARGE_REPO, b.digest, b.size, 300_000); // not `bytes += await`: that reads `bytes` before the await
        bytes += n;
      } catch (err) {
        errors.add(err);
      }
    };
    const start = performance.now();
    if (parallel) await Promise.all(blobs.map(one));
    else for (const b of blobs) await one(b);
    const s = (performance.now() - start) / 1000;
    return {
      row,
      unit: 'MB/s',
      value: bytes / MB / s,
      ops: blobs.length - errors.count,
      errors: errors.count,
      errorSamples: errors.samples,
    };
  });
}
