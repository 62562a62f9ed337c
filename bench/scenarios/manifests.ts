/** manifest-put (distinct tags, distinct manifests) and manifest-get by tag with docker's Accept. */
import { uniqueOciManifest, MEDIA } from '../data.js';
import { getManifest, pushImage, putManifest } from '../ops.js';
import { timedRate, withClient } from './common.js';
import type { Scenario } from './types.js';

/** Repository of the shared test image (manifest-get, mixed, catalog mounts from it). */
export const IMAGE_REPO = 'bench/image';

const PUT_ROW = { row: 'manifest-put', unit: 'req/s' };
const GET_ROW = { row: 'manifest-get', unit: 'req/s' };

/** manifest-put: each PUT is a new OCI manifest (annotated with its tag) under a new tag. */
export const manifestPut: Scenario = {
  name: 'manifest-put',
  rows: [PUT_ROW],
  prepare: (t, ctx) => withClient(t, 1, (c) => pushImage(c, 'bench/mput', ctx.fixtures.image(), 'base')),
  run: (t, ctx) => {
    const image = ctx.fixtures.image();
    return timedRate(t, ctx, PUT_ROW, 1_000_000, async (c, seq) => {
      const tag = `t${seq}`;
      const m = uniqueOciManifest(image, tag);
      await putManifest(c, 'bench/mput', tag, m.body, MEDIA.ociManifest, m.digest);
    });
  },
};

/** manifest-get: GET by tag with the four Accept headers docker sends; body hashed. */
export const manifestGet: Scenario = {
  name: 'manifest-get',
  rows: [GET_ROW],
  prepare: (t, ctx) => withClient(t, 1, (c) => pushImage(c, IMAGE_REPO, ctx.fixtures.image(), 'latest')),
  run: (t, ctx) => {
    const image = ctx.fixtures.image();
    return timedRate(t, ctx, GET_ROW, 5_000_000, (c) => getManifest(c, IMAGE_REPO, 'latest', image));
  },
};
