/**
 * On-disk compatibility with Distribution 2.8.2, both directions: one registry writes a storage
 * root (docker push, skopeo copy of an OCI layout and of a multi-arch index), is stopped, and the
 * other serves the same root: manifests byte-identical, tags and _catalog, skopeo copies out of it,
 * and docker pulls from it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BuiltImage, OciLayout, RunningRegistry } from './helpers.js';
import {
  BASE_IMAGE,
  MEDIA,
  TARGET,
  buildMultiLayerImage,
  buildOciLayout,
  docker,
  getJson,
  inspectImage,
  inspectRemote,
  layoutDescriptor,
  listTags,
  makeTempDir,
  rawManifest,
  removeDir,
  removeImages,
  runImage,
  sha256,
  skopeoCopy,
  startBerth,
  startDistribution,
  verifyLayoutBlobs,
  withLogs,
} from './helpers.js';

type Starter = (opts: { root: string }) => Promise<RunningRegistry>;

/** What the writer stored, to be found again by the reader. */
interface Written {
  appDigest: string;
  tags: Record<string, string[]>;
}

const REPOS = ['compat/app', 'compat/multi', 'compat/single'];

/** Push the fixtures to `reg`: docker image as compat/app:{1,2}, OCI single and multi-arch index. */
async function writeFixtures(reg: RunningRegistry, img: BuiltImage, oci: OciLayout): Promise<Written> {
  await docker('tag', img.tag, `${reg.host}/compat/app:1`);
  await docker('tag', img.tag, `${reg.host}/compat/app:2`);
  await docker('push', `${reg.host}/compat/app:1`);
  await docker('push', `${reg.host}/compat/app:2`);
  await skopeoCopy(oci.ref(oci.singleTag), `docker://${reg.host}/compat/single:1`);
  await skopeoCopy(oci.ref(oci.indexTag), `docker://${reg.host}/compat/multi:1`, { all: true });
  const appDigest = (await rawManifest(`${reg.host}/compat/app:1`)).digest;
  // Sanity: the writer itself serves what was written.
  assert.equal((await rawManifest(`${reg.host}/compat/single:1`)).digest, oci.platforms[0]?.digest);
  assert.equal((await rawManifest(`${reg.host}/compat/multi:1`)).digest, oci.indexDigest);
  return {
    appDigest,
    tags: { 'compat/app': ['1', '2'], 'compat/multi': ['1'], 'compat/single': ['1'] },
  };
}

/** The reader serves the writer's manifests byte for byte, by tag and by digest. */
async function checkManifests(reg: RunningRegistry, img: BuiltImage, oci: OciLayout, w: Written): Promise<void> {
  for (const tag of ['1', '2']) {
    const m = await rawManifest(`${reg.host}/compat/app:${tag}`);
    assert.equal(m.digest, w.appDigest, `compat/app:${tag}`);
    assert.equal(m.json.mediaType, MEDIA.dockerManifest);
    assert.equal((m.json.config as { digest: string }).digest, img.id);
  }
  assert.equal((await rawManifest(`${reg.host}/compat/app@${w.appDigest}`)).digest, w.appDigest);
  const amd64 = oci.platforms[0];
  assert.ok(amd64);
  const single = await rawManifest(`${reg.host}/compat/single:1`);
  assert.equal(single.digest, amd64.digest);
  assert.equal(single.json.mediaType, MEDIA.ociManifest);
  const index = await rawManifest(`${reg.host}/compat/multi:1`);
  assert.equal(index.digest, oci.indexDigest);
  assert.equal(index.json.mediaType, MEDIA.ociIndex);
  for (const p of oci.platforms) {
    assert.equal((await rawManifest(`${reg.host}/compat/multi@${p.digest}`)).digest, p.digest);
    const info = await inspectRemote(`${reg.host}/compat/multi:1`, p);
    assert.equal(info.Architecture, p.architecture);
    assert.deepEqual(info.Layers, p.layerDigests);
  }
  const app = await inspectRemote(`${reg.host}/compat/app:1`);
  assert.equal(app.Digest, w.appDigest);
  assert.equal(app.Layers.length, img.layers.length);
}

/** Tags of every repository and the catalog match what was written. */
async function checkTagsAndCatalog(reg: RunningRegistry, w: Written): Promise<void> {
  for (const [repo, tags] of Object.entries(w.tags)) {
    const listed = await listTags(`${reg.host}/${repo}`);
    // Distribution 2.8.2 lists in directory order; Berth is expected to sort.
    const strict = reg.kind === 'berth' && TARGET === 'berth';
    assert.deepEqual(strict ? listed : [...listed].sort(), [...tags].sort(), `tags of ${repo}`);
  }
  const { body } = await getJson<{ repositories: string[] }>(`${reg.url}/v2/_catalog`);
  assert.deepEqual([...body.repositories].sort(), REPOS);
}

/** skopeo copies out of the reader into local layouts: bytes hash to the expected digests. */
async function checkCopyOut(reg: RunningRegistry, oci: OciLayout, w: Written, scratch: string): Promise<void> {
  // Multi-arch index into an OCI layout.
  const ociOut = join(scratch, 'oci-out');
  await skopeoCopy(`docker://${reg.host}/compat/multi:1`, `oci:${ociOut}:multi`, { all: true });
  const desc = await layoutDescriptor(ociOut, 'multi');
  assert.equal(desc.digest, oci.indexDigest);
  const blobs = await verifyLayoutBlobs(ociOut);
  // index + 2 × (manifest + config + own layer) + shared layer
  assert.equal(blobs, 1 + 2 * 3 + 1);

  // Docker image into a dir: layout (manifest stored verbatim).
  const dirOut = join(scratch, 'dir-out');
  await skopeoCopy(`docker://${reg.host}/compat/app:1`, `dir:${dirOut}`);
  const manifestBytes = await readFile(join(dirOut, 'manifest.json'));
  assert.equal(sha256(manifestBytes), w.appDigest);
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as { config: { digest: string }; layers: { digest: string }[] };
  for (const d of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
    const hex = d.replace(/^sha256:/, '');
    const data = await readFile(join(dirOut, hex));
    assert.equal(createHash('sha256').update(data).digest('hex'), hex, `blob ${d}`);
  }
}

/** docker pull from the reader gives back the same images (IDs, layers, content). */
async function checkDockerPull(reg: RunningRegistry, img: BuiltImage, oci: OciLayout, w: Written): Promise<void> {
  await docker('rmi', '-f', img.id);
  await docker('rmi', BASE_IMAGE).catch(() => undefined);
  const { stdout } = await docker('pull', `${reg.host}/compat/app:1`);
  assert.match(stdout, new RegExp(`Digest: ${w.appDigest}`));
  const info = await inspectImage(`${reg.host}/compat/app:1`);
  assert.equal(info.Id, img.id);
  assert.deepEqual(info.RootFS.Layers, img.layers);
  assert.equal((await runImage(`${reg.host}/compat/app:1`)).trim(), img.nonce);

  const amd64 = oci.platforms[0];
  assert.ok(amd64);
  const multi = await docker('pull', `${reg.host}/compat/multi:1`);
  assert.match(multi.stdout, new RegExp(`Digest: ${oci.indexDigest}`));
  const minfo = await inspectImage(`${reg.host}/compat/multi:1`);
  assert.equal(minfo.Id, amd64.configDigest, 'docker picked linux/amd64 from the index');
  assert.equal(minfo.Architecture, 'amd64');
  assert.deepEqual(minfo.RootFS.Layers, amd64.diffIds);
  assert.equal((await runImage(`${reg.host}/compat/multi:1`)).trim(), 'amd64');
}

/** One direction: `writer` fills a root, stops; `reader` serves the same root. */
function compatSuite(title: string, writerStart: Starter, readerStart: Starter, label: string): void {
  describe(title, { timeout: 240_000 }, () => {
    let writer: RunningRegistry | undefined;
    let reader: RunningRegistry;
    let img: BuiltImage;
    let oci: OciLayout;
    let written: Written;
    let root = '';
    let scratch = '';

    before(
      async () => {
        root = await makeTempDir(`compat-${label}-root`);
        scratch = await makeTempDir(`compat-${label}-scratch`);
        oci = await buildOciLayout(join(scratch, 'oci-src'));
        img = await buildMultiLayerImage({ tag: `berth-e2e/app:compat-${label}-${process.pid}` });
        const w = await writerStart({ root });
        writer = w;
        written = await withLogs([w], () => writeFixtures(w, img, oci));
        await w.stop();
        writer = undefined;
        reader = await readerStart({ root });
      },
      { timeout: 180_000 },
    );

    after(
      async () => {
        await writer?.stop();
        await reader?.stop();
        const ids = [img?.id, oci?.platforms[0]?.configDigest].filter((x): x is string => Boolean(x));
        await removeImages(...ids);
        if (root) await removeDir(root);
        if (scratch) await removeDir(scratch);
      },
      { timeout: 60_000 },
    );

    it('serves the manifests the other registry wrote, byte for byte', async () => {
      await withLogs([reader], () => checkManifests(reader, img, oci, written));
    });

    it('lists the tags and the catalog that were written', async () => {
      await withLogs([reader], () => checkTagsAndCatalog(reader, written));
    });

    it('skopeo copies images out (multi-arch index into oci:, docker image into dir:)', async () => {
      await withLogs([reader], () => checkCopyOut(reader, oci, written, scratch));
    });

    it('docker pull gives back the same image IDs, layers and content', async () => {
      await withLogs([reader], () => checkDockerPull(reader, img, oci, written));
    });
  });
}

compatSuite('storage written by Distribution, served by Berth', startDistribution, startBerth, 'dist-to-berth');
compatSuite('storage written by Berth, served by Distribution', startBerth, startDistribution, 'berth-to-dist');
