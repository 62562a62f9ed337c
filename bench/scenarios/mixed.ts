/**
 * mixed: many clients repeating docker's pull pattern: manifest by tag with docker's Accept,
 * then the config blob, then the layers in parallel (docker downloads up to 3 at once).
 */
import { Client } from '../client.js';
import { runLoad } from '../load.js';
import { getBlob, getManifest, pushImage } from '../ops.js';
import type { Scenario } from './types.js';
import { rateMeasure } from './types.js';
import { withClient } from './common.js';
import { IMAGE_REPO } from './manifests.js';

/** mixed (pulls/s with per-pull p50/p99, and MB/s). */
export const mixed: Scenario = {
  name: 'mixed',
  rows: [
    { row: 'mixed pulls', unit: 'pulls/s' },
    { row: 'mixed bytes', unit: 'MB/s' },
  ],
  prepare: (t, ctx) => withClient(t, 1, (c) => pushImage(c, IMAGE_REPO, ctx.fixtures.image(), 'latest')),
  run: async (t, ctx) => {
    const image = ctx.fixtures.image();
    const clients = ctx.sizes.mixedClients;
    const c = new Client(t.url, clients * image.layers.length);
    let bytes = 0;
    const r = await runLoad({
      concurrency: clients,
      durationMs: ctx.sizes.durationMs,
      maxOps: 1_000_000,
      op: async () => {
        await getManifest(c, IMAGE_REPO, 'latest', image);
        let got = await getBlob(c, IMAGE_REPO, image.config.digest, image.config.data.length);
        const sizes = await Promise.all(image.layers.map((l) => getBlob(c, IMAGE_REPO, l.digest, l.data.length)));
        got += sizes.reduce((a, b) => a + b, 0) + image.manifest.length;
        bytes += got;
      },
    });
    c.close();
    const pulls = rateMeasure('mixed pulls', 'pulls/s', r);
    return [
      pulls,
      { row: 'mixed bytes', unit: 'MB/s', value: bytes / 1e6 / (r.elapsedMs / 1000), ops: r.ops, errors: 0, errorSamples: [] },
    ];
  },
};
