/**
 * Garbage collection while clients push and pull: runs go on back to back (with
 * deleteUntagged) while images are pushed, some of them re-using blobs and untagged manifests
 * the collector is sweeping at that moment; afterwards every pushed image pulls intact.
 * The collector's clock stands at the moment the pushes begin, so everything written before
 * is past the grace period and everything written after is not: what is exercised is the
 * re-check and the pins, not the grace period. Once in one process, once with two registries
 * over one storage sharing pins as the workers of one Berth do (the collector in one, the
 * pushes in the other).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeApp, makeApps, type TestApp, type TestStorage } from '../helpers/app.js';
import { collectorFor, pullImage, sharedInProcess } from '../helpers/gc.js';
import { pushImage, type PushedImage } from '../helpers/oci.js';

const SHARED = 12;
const PUSHES = 24;

/** Push through the last of `apps` and pull through the first while a collector in the first sweeps back to back. */
async function pushWhileSweeping(apps: TestApp[]): Promise<void> {
  const first = apps[0]!;
  const last = apps.at(-1)!;
  // Garbage the pushes will re-use: untagged images whose content comes again below.
  for (let i = 0; i < SHARED; i++) await pushImage(first.app, 'busy/app', { seed: `shared-${i}` });
  await new Promise((r) => setTimeout(r, 5));
  const cutoff = Date.now();
  // The clock of every run stands at `cutoff` (see the file comment).
  const clocked = collectorFor(first.registry, { deleteUntagged: true, now: () => cutoff }, 0);
  let pushing = true;
  let runs = 0;
  let freed = 0;
  const sweeping = (async () => {
    while (pushing) {
      const run = await clocked.run();
      assert.equal(run.ok, true, run.errors.join('; '));
      freed += run.freedBlobs + run.freedManifests;
      runs++;
      await new Promise((r) => setImmediate(r));
    }
  })();
  const pushed: { ref: string; repo: string; image: PushedImage }[] = [];
  const client = async (c: number): Promise<void> => {
    for (let i = c; i < PUSHES; i += 4) {
      const seed = i % 2 === 0 ? `shared-${(i / 2) % SHARED}` : `fresh-${i}`;
      const repo = i % 3 === 0 ? 'busy/other' : 'busy/app';
      const ref = `v${i}`;
      pushed.push({ ref, repo, image: await pushImage(last.app, repo, { ref, seed }) });
      // Pulls go on meanwhile too.
      const earlier = pushed[Math.floor(pushed.length / 2)]!;
      await pullImage(first.app, earlier.repo, earlier.ref, earlier.image);
    }
  };
  try {
    await Promise.all([0, 1, 2, 3].map(client));
  } finally {
    pushing = false;
    await sweeping;
  }
  const final = await clocked.run();
  assert.equal(final.ok, true);
  assert.ok(runs > 1, 'the collector ran during the pushes');
  assert.ok(freed + final.freedBlobs > 0, 'the runs swept garbage');
  for (const { repo, ref, image } of pushed) {
    for (const { app } of apps) await pullImage(app, repo, ref, image);
  }
}

for (const storage of ['memory', 'fs'] as TestStorage[]) {
  describe(`garbage collection during pushes on ${storage}`, () => {
    let t: TestApp;
    before(async () => (t = await makeApp(storage)));
    after(() => t.cleanup());

    it('loses no push: every image pushed while runs sweep pulls afterwards', () => pushWhileSweeping([t]));
  });

  describe(`garbage collection during pushes in two workers on ${storage}`, () => {
    let apps: TestApp[];
    before(async () => (apps = await makeApps(storage, {}, sharedInProcess(2))));
    after(() => apps[0]!.cleanup());

    it('loses no push: a run in one worker spares what a push in the other relies on', () => pushWhileSweeping(apps));
  });
}
