/**
 * skopeo between Berth and Distribution 2.8.2 side by side: docker:// → docker:// copies of a
 * multi-layer image and of a multi-arch OCI index in both directions with identical digests,
 * list-tags ordering, and manifest deletion.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BuiltImage, OciLayout, RunningRegistry } from './helpers.js';
import {
  MEDIA,
  TARGET,
  buildMultiLayerImage,
  buildOciLayout,
  docker,
  inspectRemote,
  listTags,
  makeTempDir,
  rawManifest,
  removeDir,
  removeImages,
  shFails,
  skopeo,
  skopeoCopy,
  startBerth,
  startDistribution,
  withLogs,
} from './helpers.js';

describe('skopeo between Berth and Distribution', { timeout: 240_000 }, () => {
  let berth: RunningRegistry;
  let dist: RunningRegistry;
  let img: BuiltImage;
  let oci: OciLayout;
  let appDigest = '';
  const dirs: string[] = [];

  before(
    async () => {
      const berthRoot = await makeTempDir('skopeo-berth');
      const distRoot = await makeTempDir('skopeo-dist');
      const ociDir = await makeTempDir('skopeo-oci');
      dirs.push(berthRoot, distRoot, ociDir);
      [berth, dist] = await Promise.all([startBerth({ root: berthRoot }), startDistribution({ root: distRoot })]);
      img = await buildMultiLayerImage({ tag: `berth-e2e/app:skopeo-${process.pid}` });
      await withLogs([berth], async () => {
        await docker('tag', img.tag, `${berth.host}/e2e/app:1`);
        await docker('push', `${berth.host}/e2e/app:1`);
      });
      appDigest = (await rawManifest(`${berth.host}/e2e/app:1`)).digest;
      oci = await buildOciLayout(ociDir);
    },
    { timeout: 180_000 },
  );

  after(
    async () => {
      await Promise.all([berth?.stop(), dist?.stop()]);
      if (img) await removeImages(img.id);
      for (const d of dirs) await removeDir(d);
    },
    { timeout: 60_000 },
  );

  /** Assert two registry references serve byte-identical manifests; return the digest. */
  async function sameManifest(a: string, b: string): Promise<string> {
    const [ma, mb] = await Promise.all([rawManifest(a), rawManifest(b)]);
    assert.equal(ma.digest, mb.digest, `${a} vs ${b}`);
    assert.ok(ma.bytes.equals(mb.bytes), `manifest bytes differ: ${a} vs ${b}`);
    return ma.digest;
  }

  it('copies the multi-layer image Berth → Distribution with an identical digest', async () => {
    await withLogs([berth, dist], async () => {
      await skopeoCopy(`docker://${berth.host}/e2e/app:1`, `docker://${dist.host}/e2e/app:1`);
      const digest = await sameManifest(`${berth.host}/e2e/app:1`, `${dist.host}/e2e/app:1`);
      assert.equal(digest, appDigest);
      const [ib, id] = await Promise.all([inspectRemote(`${berth.host}/e2e/app:1`), inspectRemote(`${dist.host}/e2e/app:1`)]);
      assert.equal(ib.Digest, appDigest);
      assert.equal(id.Digest, appDigest);
      assert.deepEqual(ib.Layers, id.Layers);
      assert.equal(ib.Layers.length, img.layers.length);
    });
  });

  it('copies the multi-layer image Distribution → Berth with an identical digest', async () => {
    await withLogs([berth, dist], async () => {
      await skopeoCopy(`docker://${dist.host}/e2e/app:1`, `docker://${berth.host}/e2e/app-back:1`);
      const digest = await sameManifest(`${dist.host}/e2e/app:1`, `${berth.host}/e2e/app-back:1`);
      assert.equal(digest, appDigest);
      const back = await inspectRemote(`${berth.host}/e2e/app-back:1`);
      assert.equal(back.Digest, appDigest);
      assert.equal(back.Layers.length, img.layers.length);
    });
  });

  it('copies a multi-arch OCI index with --all: layout → Berth → Distribution → Berth', async () => {
    await withLogs([berth, dist], async () => {
      const locations = [`${berth.host}/e2e/multi`, `${dist.host}/e2e/multi`, `${berth.host}/e2e/multi-back`];
      await skopeoCopy(oci.ref(oci.indexTag), `docker://${locations[0]}:1`, { all: true });
      await skopeoCopy(`docker://${locations[0]}:1`, `docker://${locations[1]}:1`, { all: true });
      await skopeoCopy(`docker://${locations[1]}:1`, `docker://${locations[2]}:1`, { all: true });

      for (const loc of locations) {
        const index = await rawManifest(`${loc}:1`);
        assert.equal(index.digest, oci.indexDigest, `index digest at ${loc}`);
        assert.equal(index.json.mediaType, MEDIA.ociIndex);
        assert.equal((index.json.manifests as unknown[]).length, 2);
        for (const p of oci.platforms) {
          const byDigest = await rawManifest(`${loc}@${p.digest}`);
          assert.equal(byDigest.digest, p.digest, `${p.architecture} manifest at ${loc}`);
          const info = await inspectRemote(`${loc}:1`, p);
          // skopeo inspect reports the digest of the top-level manifest (the index) and the
          // architecture, OS and layers of the platform it picked.
          assert.equal(info.Digest, oci.indexDigest, `skopeo inspect ${p.architecture} at ${loc}`);
          assert.equal(info.Architecture, p.architecture);
          assert.equal(info.Os, 'linux');
          assert.deepEqual(info.Layers, p.layerDigests);
        }
      }
      await sameManifest(`${berth.host}/e2e/multi:1`, `${dist.host}/e2e/multi:1`);
      await sameManifest(`${dist.host}/e2e/multi:1`, `${berth.host}/e2e/multi-back:1`);
    });
  });

  it('skopeo list-tags on Berth returns every tag, sorted', async () => {
    await withLogs([berth], async () => {
      const tags = ['v1.10', 'latest', '1', 'A-upper', 'v1.2', '0.9', 'b_under', 'a.dot'];
      for (const tag of tags) {
        await skopeoCopy(`docker://${berth.host}/e2e/app:1`, `docker://${berth.host}/e2e/tagged:${tag}`);
      }
      const expected = [...tags].sort();
      const listed = await listTags(`${berth.host}/e2e/tagged`);
      // Distribution 2.8.2 lists tags in directory order; Berth sorts them lexically.
      assert.deepEqual(TARGET === 'berth' ? listed : [...listed].sort(), expected);
      assert.deepEqual(await listTags(`${berth.host}/e2e/multi-back`), ['1']);
    });
  });

  it('skopeo delete of a manifest on Berth: inspect then fails with manifest unknown', async () => {
    await withLogs([berth], async () => {
      await skopeoCopy(`docker://${berth.host}/e2e/app:1`, `docker://${berth.host}/e2e/doomed:1`);
      assert.equal((await rawManifest(`${berth.host}/e2e/doomed:1`)).digest, appDigest);
      await skopeo('delete', '--tls-verify=false', `docker://${berth.host}/e2e/doomed:1`);
      const byTag = await shFails(rawManifest(`${berth.host}/e2e/doomed:1`));
      assert.match(byTag.stderr, /manifest unknown/i, byTag.message);
      const byDigest = await shFails(rawManifest(`${berth.host}/e2e/doomed@${appDigest}`));
      assert.match(byDigest.stderr, /manifest unknown/i, byDigest.message);
      // The same manifest in other repositories is untouched.
      assert.equal((await rawManifest(`${berth.host}/e2e/app:1`)).digest, appDigest);
      assert.equal((await rawManifest(`${berth.host}/e2e/app-back:1`)).digest, appDigest);
    });
  });
});
