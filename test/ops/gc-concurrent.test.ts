/**
 * Garbage collection while clients push and pull: runs go on back to back (with
 * deleteUntagged) while images are pushed, some of them re-using blobs and untagged manifests
 * the collector is sweeping at that moment; afterwards every pushed image pulls intact.
 * The collector's clock stands at the moment the pushes begin, so everything written before
 * is past the grace period and everything written after is not: what is exercised is the
 * re-check and the pins, not the grace period.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeApp, type TestApp, type TestStorage } from '../helpers/app.js';
import { collectorFor, pullImage } from '../helpers/gc.js';
import { pushImage, type PushedImage } from '../helpers/oci.js';

const SHARED = 12;
const PUSHES = 24;

for (const storage of ['memory', 'fs'] as TestStorage[]) {
  describe(`garbage collection during pushes on ${storage}`, () => {
    let t: TestApp;
    before(async () => (t = await makeApp(storage)));
    after(() => t.cleanup());

    it('loses no push: every image pushed while runs sweep pulls afterwards', async () => {
      // Garbage the pushes will re-use: untagged images whose content comes again below.
      for (let i = 0; i < SHARED; i++) await pushImage(t.app, 'busy/app', { seed: `shared-${i}` });
      await new Promise((r) => setTimeout(r, 5));
      const cutoff = Date.now();
      // The clock of every run stands at `cutoff` (see the file comment).
      const clocked = collectorFor(t.registry, { deleteUntagged: true, now: () => cutoff }, 0);
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
      const worker = async (w: number): Promise<void> => {
        for (let i = w; i < PUSHES; i += 4) {
          const seed = i % 2 === 0 ? `shared-${(i / 2) % SHARED}` : `fresh-${i}`;
          const repo = i % 3 === 0 ? 'busy/other' : 'busy/app';
          const ref = `v${i}`;
          pushed.push({ ref, repo, image: await pushImage(t.app, repo, { ref, seed }) });
          // Pulls go on meanwhile too.
          const earlier = pushed[Math.floor(pushed.length / 2)]!;
          await pullImage(t.app, earlier.repo, earlier.ref, earlier.image);
        }
      };
      try {
        await Promise.all([0, 1, 2, 3].map(worker));
      } finally {
        pushing = false;
        await sweeping;
      }
      const last = await clocked.run();
      assert.equal(last.ok, true);
      assert.ok(runs > 1, 'the collector ran during the pushes');
      assert.ok(freed + last.freedBlobs > 0, 'the runs swept garbage');
      for (const { repo, ref, image } of pushed) await pullImage(t.app, repo, ref, image);
    });
  });
}
