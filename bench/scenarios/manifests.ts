/** manifest-put (distinct tags, distinct manifests) and manifest-get by tag with docker's Accept. */
import { Client } from '../client.js';
import { uniqueOciManifest, MEDIA } from '../data.js';
import { runLoad } from '../load.js';
import { getManifest, pushImage, putManifest } from '../ops.js';
import type { Scenario } from './types.js';
import { rateMeasure } from './types.js';

/** Repository of the shared test image (manifest-get, mixed, catalog mounts from it). */
export const IMAGE_REPO = 'bench/image';

/** manifest-put: each PUT is a new OCI manifest (annotated with its tag) under a new tag. */
export const manifestPut: Scenario = {
  name: 'manifest-put',
  rows: [{ row: 'manifest-put', unit: 'req/s' }],
  prepare: async (t, ctx) => {
    const c = new Client(t.url, 1);
    try {
      await pushImage(c, 'bench/mput', ctx.fixtures.image(), 'base');
    } finally {
      c.close();
    }
  },
  run: async (t, ctx) => {
    const image = ctx.fixtures.image();
    const n = ctx.sizes.concurrency;
    const c = new Client(t.url, n);
    const r = await runLoad({
      concurrency: n,
      durationMs: ctx.sizes.durationMs,
      maxOps: 1_000_000,
      op: async (seq) => {
        const tag = `t${seq}`;
        const m = uniqueOciManifest(image, tag);
        await putManifest(c, 'bench/mput', tag, m.body, MEDIA.ociManifest, m.digest);
      },
    });
    c.close();
    return [rateMeasure('manifest-put', 'req/s', r)];
  },
};

/** manifest-get: GET by tag with the four Accept headers docker sends; body hashed. */
export const manifestGet: Scenario = {
  name: 'manifest-get',
  rows: [{ row: 'manifest-get', unit: 'req/s' }],
  prepare: async (t, ctx) => {
    const c = new Client(t.url, 1);
    try {
      await pushImage(c, IMAGE_REPO, ctx.fixtures.image(), 'latest');
    } finally {
      c.close();
    }
  },
  run: async (t, ctx) => {
    const image = ctx.fixtures.image();
    const n = ctx.sizes.concurrency;
    const c = new Client(t.url, n);
    const r = await runLoad({
      concurrency: n,
      durationMs: ctx.sizes.durationMs,
      maxOps: 5_000_000,
      op: () => getManifest(c, IMAGE_REPO, 'latest', image),
    });
    c.close();
    return [rateMeasure('manifest-get', 'req/s', r)];
  },
};
