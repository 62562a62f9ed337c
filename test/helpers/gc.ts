/** Helpers for the garbage-collection tests: a collector over a test app, and pulling what was pushed. */
import assert from 'node:assert/strict';
import request from 'supertest';
import type { App } from '../../src/http/app.js';
import { GarbageCollector, type GcSettings } from '../../src/ops/gc/collector.js';
import { PinBoard } from '../../src/cluster/pin-board.js';
import { SharedPins } from '../../src/cluster/shared-pins.js';
import { KeyedLock } from '../../src/registry/keyed-lock.js';
import type { Registry, RegistryStorageOptions } from '../../src/registry/registry.js';
import { digestOf, getBytes, type PushedImage } from './oci.js';

/**
 * A collector over the app's registry. By default the clock runs `ahead` ms early, so a grace
 * period of 0 counts everything pushed before the run as old without waiting.
 */
export function collectorFor(registry: Registry, settings: Partial<GcSettings> = {}, ahead = 5_000): GarbageCollector {
  return new GarbageCollector(registry, {
    gracePeriodMs: 0,
    deleteUntagged: false,
    intervalMs: 0,
    now: () => Date.now() + ahead,
    ...settings,
  });
}

/** Pull a manifest by `ref` and every blob it names; assert all of it is served intact. */
export async function pullImage(
  app: App,
  name: string,
  ref: string,
  image: Pick<PushedImage, 'mediaType' | 'config' | 'layers'>,
): Promise<void> {
  const res = await getBytes(app, `/v2/${name}/manifests/${ref}`, { accept: image.mediaType });
  assert.equal(res.status, 200, `pull ${name}:${ref}: ${res.status} ${res.text}`);
  for (const blob of [image.config, ...image.layers]) {
    const got = await getBytes(app, `/v2/${name}/blobs/${blob.digest}`);
    assert.equal(got.status, 200, `blob ${blob.digest} of ${name}:${ref}: ${got.status}`);
    assert.equal(digestOf(got.body as Buffer), blob.digest);
  }
}

/** The status of GET /v2/NAME/manifests/REF. */
export async function manifestStatus(app: App, name: string, ref: string, accept: string): Promise<number> {
  return (await request(app).get(`/v2/${name}/manifests/${ref}`).set('Accept', accept)).status;
}

/**
 * What the workers of one Berth share, wired in this process for `count` registries: cache
 * drops reach the others, one upload lock, and pins over one PinBoard (the primary's side of
 * src/cluster/shared-pins.ts), its notices delivered on the next turn as over IPC.
 */
export function sharedInProcess(count: number): NonNullable<RegistryStorageOptions['shared']>[] {
  const applies: ((active: boolean) => string[])[] = [];
  const board = new PinBoard(
    (worker, notice) =>
      setImmediate(() => {
        const digests = applies[worker]?.(notice.active) ?? [];
        if (notice.seq !== undefined) board.forwarded(worker, notice.seq, digests);
      }),
    () => applies.keys(),
  );
  const locks = new KeyedLock();
  const drops: ((paths: readonly string[]) => void)[] = [];
  return Array.from({ length: count }, (_, worker) => ({
    locks,
    peers: {
      invalidate: async (paths) => drops.forEach((drop, other) => other !== worker && drop(paths)),
      onInvalidate: (drop) => void (drops[worker] = drop),
    },
    pins: new SharedPins({
      pin: (digests) => new Promise<void>((granted) => board.pin(worker, digests, granted)),
      unpin: (digests) => board.unpin(worker, digests),
      begin: (digests) => new Promise<void>((ready) => board.begin(worker, digests, ready)),
      end: () => board.end(worker),
      claim: async (digest) => board.claim(worker, digest),
      claimed: (digest) => board.claimed(worker, digest),
      onActive: (apply) => {
        applies[worker] = apply;
        board.hello(worker);
      },
    }),
  }));
}
