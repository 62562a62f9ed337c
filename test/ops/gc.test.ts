/**
 * Garbage collection: marking through tags, indexes, manifests and referrers; sweeping
 * unreferenced blobs and (with deleteUntagged) untagged manifests; dry runs, idempotence, the
 * grace period and read-only mode; on memory, disk and S3.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseDigest } from '../../src/registry/reference.js';
import { makeApp, type TestApp, type TestStorage } from '../helpers/app.js';
import { collectorFor, manifestStatus, pullImage } from '../helpers/gc.js';
import { descriptorOf, digestOf, EMPTY_JSON, indexOf, MT, pushBlob, pushImage, pushManifest, type PushedImage } from '../helpers/oci.js';

/** A repository with one of everything the collector must tell apart. */
interface Scene {
  tagged: PushedImage;
  untagged: PushedImage;
  children: PushedImage[];
  index: string;
  referrer: string;
  orphanReferrer: string;
  orphan: string;
}

async function populate(t: TestApp, name: string): Promise<Scene> {
  const tagged = await pushImage(t.app, name, { ref: 'v1', seed: `${name} tagged` });
  const untagged = await pushImage(t.app, name, { seed: `${name} untagged` });
  const children = [
    await pushImage(t.app, name, { seed: `${name} amd64`, platform: { os: 'linux', architecture: 'amd64' } }),
    await pushImage(t.app, name, { seed: `${name} arm64`, platform: { os: 'linux', architecture: 'arm64' } }),
  ];
  const indexBody = JSON.stringify(
    indexOf(
      MT.ociIndex,
      children.map((c) => c.descriptor),
    ),
  );
  const index = await pushManifest(t.app, name, 'multi', indexBody, MT.ociIndex);
  await pushBlob(t.app, name, EMPTY_JSON);
  const artifact = (subject: PushedImage, seed: string) =>
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      artifactType: 'application/vnd.example.sbom',
      config: descriptorOf(MT.ociEmpty, EMPTY_JSON),
      layers: [descriptorOf(MT.ociEmpty, EMPTY_JSON)],
      subject: subject.descriptor,
      annotations: { seed },
    });
  const referrerBody = artifact(tagged, 'kept');
  const referrer = await pushManifest(t.app, name, digestOf(referrerBody), referrerBody, MT.ociManifest);
  const orphanBody = artifact(untagged, 'orphan');
  const orphanReferrer = await pushManifest(t.app, name, digestOf(orphanBody), orphanBody, MT.ociManifest);
  const orphan = await pushBlob(t.app, name, `${name} orphan layer`);
  return { tagged, untagged, children, index, referrer, orphanReferrer, orphan };
}

const stored = async (t: TestApp, digest: string): Promise<boolean> => (await t.registry.blobs.statGlobal(parseDigest(digest))) !== null;

for (const storage of ['memory', 'fs', 's3'] as TestStorage[]) {
  describe(`garbage collection on ${storage}`, () => {
    let t: TestApp;
    let scene: Scene;
    before(async () => {
      t = await makeApp(storage);
      scene = await populate(t, 'team/app');
    });
    after(() => t.cleanup());

    it('a dry run reports the unreferenced blob and changes nothing', async () => {
      const run = await collectorFor(t.registry).run({ dryRun: true });
      assert.equal(run.ok, true, run.errors.join('; '));
      assert.deepEqual(run.swept.blobs, [scene.orphan]);
      assert.equal(run.dryRun, true);
      assert.equal(await stored(t, scene.orphan), true);
    });

    it('sweeps only blobs nothing references, and a second run frees nothing', async () => {
      const gc = collectorFor(t.registry);
      const run = await gc.run();
      assert.deepEqual(run.swept.blobs, [scene.orphan]);
      assert.equal(run.freedBytes, Buffer.byteLength('team/app orphan layer'));
      assert.deepEqual(run.swept.manifests, []);
      assert.equal(await stored(t, scene.orphan), false);
      await pullImage(t.app, 'team/app', 'v1', scene.tagged);
      await pullImage(t.app, 'team/app', scene.untagged.digest, scene.untagged);
      const again = await gc.run();
      assert.deepEqual([again.freedBlobs, again.freedManifests], [0, 0]);
      assert.equal(gc.status().last?.freedBlobs, 0);
      assert.equal(gc.status().running, false);
    });

    it('with deleteUntagged, sweeps untagged manifests but keeps index children and referrers of kept manifests', async () => {
      const run = await collectorFor(t.registry, { deleteUntagged: true }).run();
      assert.equal(run.ok, true, run.errors.join('; '));
      assert.deepEqual(run.swept.manifests.map((m) => m.digest).sort(), [scene.orphanReferrer, scene.untagged.digest].sort());
      const expected = [scene.untagged.digest, scene.orphanReferrer, scene.untagged.config.digest, scene.untagged.layers[0]!.digest];
      assert.deepEqual(run.swept.blobs, expected.sort());
      assert.equal(await manifestStatus(t.app, 'team/app', scene.untagged.digest, MT.ociManifest), 404);
      await pullImage(t.app, 'team/app', 'v1', scene.tagged);
      assert.equal(await manifestStatus(t.app, 'team/app', 'multi', MT.ociIndex), 200);
      for (const child of scene.children) await pullImage(t.app, 'team/app', child.digest, child);
      assert.equal(await manifestStatus(t.app, 'team/app', scene.referrer, MT.ociManifest), 200);
      assert.equal(await stored(t, digestOf(EMPTY_JSON)), true);
      const again = await collectorFor(t.registry, { deleteUntagged: true }).run();
      assert.deepEqual([again.freedBlobs, again.freedManifests], [0, 0]);
    });
  });
}

describe('garbage collection: grace period, read-only mode, a killed manifest PUT', () => {
  let t: TestApp;
  before(async () => (t = await makeApp('fs')));
  after(() => t.cleanup());

  it('keeps a tag or repository called "data" or "link" (names of layout files)', async () => {
    const data = await pushImage(t.app, 'names/data', { ref: 'data', seed: 'tag data' });
    const link = await pushImage(t.app, 'names/data', { ref: 'link', seed: 'tag link' });
    const run = await collectorFor(t.registry, { deleteUntagged: true }).run();
    assert.ok(!run.swept.manifests.some((m) => m.repository === 'names/data'));
    await pullImage(t.app, 'names/data', 'data', data);
    await pullImage(t.app, 'names/data', 'link', link);
  });

  it('keeps what was written within the grace period', async () => {
    const orphan = await pushBlob(t.app, 'grace/app', 'recent orphan');
    const untagged = await pushImage(t.app, 'grace/app', { seed: 'recent untagged' });
    const run = await collectorFor(t.registry, { gracePeriodMs: 3_600_000, deleteUntagged: true }).run();
    assert.deepEqual([run.freedBlobs, run.freedManifests], [0, 0]);
    assert.equal(await stored(t, orphan), true);
    await pullImage(t.app, 'grace/app', untagged.digest, untagged);
  });

  it('in read-only mode a run deletes nothing and says so', async () => {
    const readOnly = { enabled: true };
    const run = await collectorFor(t.registry, { readOnly }).run();
    assert.equal(run.readOnly, true);
    assert.equal(run.dryRun, true);
    assert.ok(run.freedBlobs > 0);
    assert.equal(await stored(t, run.swept.blobs[0]!), true);
  });

  it('finds the revision a killed manifest PUT left (stored and linked, no tag) and sweeps it with deleteUntagged', async () => {
    const image = await pushImage(t.app, 'killed/app', { ref: 'v1', seed: 'killed put' });
    // What a PUT killed between its revision link and its tag link leaves: a revision no tag shows.
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      config: image.config,
      layers: image.layers,
      annotations: { k: 'v' },
    });
    const digest = parseDigest(digestOf(body));
    await t.registry.driver.putContent(`/docker/registry/v2/blobs/sha256/${digest.hex.slice(0, 2)}/${digest.hex}/data`, body);
    await t.registry.driver.putContent(
      `/docker/registry/v2/repositories/killed/app/_manifests/revisions/sha256/${digest.hex}/link`,
      digest.value,
    );
    const kept = await collectorFor(t.registry).run();
    assert.ok(!kept.swept.blobs.includes(digest.value), 'without deleteUntagged the revision is kept');
    const run = await collectorFor(t.registry, { deleteUntagged: true }).run();
    assert.deepEqual(
      run.swept.manifests.filter((m) => m.repository === 'killed/app'),
      [{ repository: 'killed/app', digest: digest.value }],
    );
    assert.ok(run.swept.blobs.includes(digest.value));
    await pullImage(t.app, 'killed/app', 'v1', image);
  });
});
