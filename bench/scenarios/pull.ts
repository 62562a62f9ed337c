/** pull-large: the large blobs read back one after another, then all in parallel (bodies hashed). */
import { Client } from '../client.js';
import { getBlob, hasBlob, finishUpload, nextLocation, startUpload } from '../ops.js';
import { ErrorTally, expectStatus } from '../verify.js';
import type { PatternBlob } from '../data.js';
import type { Measure, Scenario } from './types.js';
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
  prepare: async (t, ctx) => {
    const c = new Client(t.url, 1);
    try {
      for (const blob of ctx.fixtures.large()) {
        if (await hasBlob(c, LARGE_REPO, blob.digest)) continue;
        const loc = await startUpload(c, LARGE_REPO);
        const res = await c.send({ method: 'PATCH', path: loc, body: blob.stream(), timeoutMs: 300_000 });
        expectStatus(res, 202, 'PATCH upload');
        await finishUpload(c, nextLocation(c, res, 'PATCH upload'), blob.digest);
      }
    } finally {
      c.close();
    }
  },
  run: async (t, ctx) => {
    const blobs = ctx.fixtures.large();
    const pull = (c: Client, b: PatternBlob) => getBlob(c, LARGE_REPO, b.digest, b.size, 300_000);
    const out: Measure[] = [];

    const seq = new Client(t.url, 1);
    const seqErrors = new ErrorTally();
    let bytes = 0;
    let start = performance.now();
    for (const b of blobs) {
      try {
        const n = await pull(seq, b);
        bytes += n;
      } catch (err) {
        seqErrors.add(err);
      }
    }
    let s = (performance.now() - start) / 1000;
    seq.close();
    out.push({
      row: 'pull-large seq',
      unit: 'MB/s',
      value: bytes / MB / s,
      ops: blobs.length - seqErrors.count,
      errors: seqErrors.count,
      errorSamples: seqErrors.samples,
    });

    const par = new Client(t.url, blobs.length);
    const parErrors = new ErrorTally();
    bytes = 0;
    start = performance.now();
    await Promise.all(
      blobs.map(async (b) => {
        try {
          const n = await pull(par, b); // not `bytes += await`: that reads `bytes` before the await
          bytes += n;
        } catch (err) {
          parErrors.add(err);
        }
      }),
    );
    s = (performance.now() - start) / 1000;
    par.close();
    out.push({
      row: 'pull-large par4',
      unit: 'MB/s',
      value: bytes / MB / s,
      ops: blobs.length - parErrors.count,
      errors: parErrors.count,
      errorSamples: parErrors.samples,
    });
    return out;
  },
};
