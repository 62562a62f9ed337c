/** Scenario sizes: the full benchmark and the smoke-size --quick version. */

const MiB = 1 << 20;

/** Every knob the scenarios read. */
export interface Sizes {
  largeCount: number;
  largeBytes: number;
  chunkedBytes: number;
  chunkBytes: number;
  smallCount: number;
  smallBytes: number;
  smallConcurrency: number;
  /** Length of each time-bounded load (head, manifests, listings, mixed). */
  durationMs: number;
  /** Concurrency of the request-rate scenarios. */
  concurrency: number;
  headBlobs: number;
  tagsCount: number;
  reposCount: number;
  mixedClients: number;
  mixedLayers: number;
  mixedLayerBytes: number;
  dockerLayers: number;
  dockerLayerBytes: number;
}

/** Full size, as specified for the comparison. */
export const FULL: Sizes = {
  largeCount: 4,
  largeBytes: 256 * MiB,
  chunkedBytes: 256 * MiB,
  chunkBytes: 5 * MiB,
  smallCount: 2000,
  smallBytes: 4096,
  smallConcurrency: 16,
  durationMs: 10_000,
  concurrency: 32,
  headBlobs: 256,
  tagsCount: 1000,
  reposCount: 500,
  mixedClients: 64,
  mixedLayers: 3,
  mixedLayerBytes: MiB,
  dockerLayers: 5,
  dockerLayerBytes: 64 * MiB,
};

/** Smoke size: every scenario, the whole run in well under a minute. */
export const QUICK: Sizes = {
  ...FULL,
  largeBytes: 8 * MiB,
  chunkedBytes: 12 * MiB,
  smallCount: 200,
  durationMs: 1_000,
  headBlobs: 32,
  tagsCount: 100,
  reposCount: 50,
  mixedClients: 16,
  dockerLayerBytes: 2 * MiB,
};
