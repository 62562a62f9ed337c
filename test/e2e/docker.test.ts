/**
 * Real docker client against Berth: push a multi-layer image, remove it locally, pull it back
 * and compare image ID and layers; push again (layers already exist) and to another repository
 * (cross-repository mount).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BuiltImage, RunningRegistry } from './helpers.js';
import {
  BASE_IMAGE,
  buildMultiLayerImage,
  docker,
  imageExists,
  inspectImage,
  listTags,
  makeTempDir,
  parseProgress,
  rawManifest,
  removeDir,
  removeImages,
  runImage,
  short,
  startBerth,
  withLogs,
} from './helpers.js';

/** Digest line printed by `docker push` at the end. */
function pushedDigest(output: string, tag: string): string {
  const m = new RegExp(`^${tag}: digest: (sha256:[0-9a-f]{64}) size: \\d+$`, 'm').exec(output);
  assert.ok(m?.[1], `no digest line for tag ${tag} in docker push output:\n${output}`);
  return m[1];
}

describe('docker client against Berth', { timeout: 240_000 }, () => {
  let reg: RunningRegistry;
  let root = '';
  let img: BuiltImage;
  let digest = '';
  const cleanup: string[] = [];

  before(
    async () => {
      root = await makeTempDir('docker-root');
      reg = await startBerth({ root });
      img = await buildMultiLayerImage({ tag: `berth-e2e/app:docker-${process.pid}` });
      cleanup.push(img.id);
    },
    { timeout: 180_000 },
  );

  after(
    async () => {
      await reg?.stop();
      await removeImages(...cleanup);
      if (root) await removeDir(root);
    },
    { timeout: 60_000 },
  );

  const ref = (repoTag: string): string => `${reg.host}/${repoTag}`;

  it('pushes a multi-layer image: every layer is uploaded and the manifest is served back', async () => {
    await withLogs([reg], async () => {
      assert.ok(img.layers.length >= 4, `expected a multi-layer image, got ${img.layers.length} layers`);
      await docker('tag', img.tag, ref('e2e/app:1'));
      const { stdout } = await docker('push', ref('e2e/app:1'));
      const progress = parseProgress(stdout);
      for (const layer of img.layers) {
        assert.equal(progress.get(short(layer)), 'Pushed', `layer ${layer} in:\n${stdout}`);
      }
      digest = pushedDigest(stdout, '1');
      const manifest = await rawManifest(ref('e2e/app:1'));
      assert.equal(manifest.digest, digest, 'sha256 of the served manifest bytes = pushed digest');
      assert.equal(manifest.json.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
      const layers = manifest.json.layers as { digest: string }[];
      assert.equal(layers.length, img.layers.length);
      const config = manifest.json.config as { digest: string };
      assert.equal(config.digest, img.id, 'config digest = image ID');
    });
  });

  it('after docker rmi, docker pull restores the same image ID, RootFS layers and content', async () => {
    await withLogs([reg], async () => {
      assert.ok(digest, 'push test must have run');
      // Remove the image with all its tags, and the base image, so every layer is pulled.
      await docker('rmi', '-f', img.id);
      await docker('rmi', BASE_IMAGE).catch(() => undefined);
      assert.equal(await imageExists(img.id), false, 'image still present after rmi');

      const { stdout } = await docker('pull', ref('e2e/app:1'));
      assert.match(stdout, new RegExp(`Digest: ${digest}`), stdout);
      const manifest = await rawManifest(ref('e2e/app:1'));
      const blobs = (manifest.json.layers as { digest: string }[]).map((l) => l.digest);
      const progress = parseProgress(stdout);
      for (const [i, blob] of blobs.entries()) {
        const status = progress.get(short(blob));
        // The base layer may survive locally if some other image still uses it.
        const allowed = i === 0 ? ['Pull complete', 'Already exists'] : ['Pull complete'];
        assert.ok(status && allowed.includes(status), `layer ${blob}: ${String(status)} in:\n${stdout}`);
      }

      const info = await inspectImage(ref('e2e/app:1'));
      assert.equal(info.Id, img.id, 'pulled image ID = pushed image ID');
      assert.deepEqual(info.RootFS.Layers, img.layers, 'RootFS layers match');
      assert.ok(info.RepoDigests?.includes(`${reg.host}/e2e/app@${digest}`), JSON.stringify(info.RepoDigests));

      assert.equal((await runImage(ref('e2e/app:1'))).trim(), img.nonce, '/data/stamp content');
      if (img.hasRun) {
        const check = await runImage(ref('e2e/app:1'), '/bin/sh', '-c', 'cd /data && sha256sum -c SHA256SUMS');
        assert.match(check, /f0\.bin: OK/);
        assert.match(check, /f2\.bin: OK/);
      }
    });
  });

  it('pulls by digest', async () => {
    await withLogs([reg], async () => {
      const { stdout } = await docker('pull', `${ref('e2e/app')}@${digest}`);
      assert.match(stdout, new RegExp(`Digest: ${digest}`));
      assert.equal((await inspectImage(`${ref('e2e/app')}@${digest}`)).Id, img.id);
    });
  });

  it('a second tag of the same image: docker push reports every layer as already existing', async () => {
    await withLogs([reg], async () => {
      await docker('tag', ref('e2e/app:1'), ref('e2e/app:2'));
      const { stdout } = await docker('push', ref('e2e/app:2'));
      const progress = parseProgress(stdout);
      for (const layer of img.layers) {
        assert.equal(progress.get(short(layer)), 'Layer already exists', `layer ${layer} in:\n${stdout}`);
      }
      assert.equal(pushedDigest(stdout, '2'), digest);
      assert.deepEqual((await listTags(ref('e2e/app'))).sort(), ['1', '2']);
      assert.equal((await rawManifest(ref('e2e/app:2'))).digest, digest);
    });
  });

  it('a push to another repository mounts the layers from e2e/app', async () => {
    await withLogs([reg], async () => {
      await docker('tag', ref('e2e/app:1'), ref('e2e/other:1'));
      const { stdout } = await docker('push', ref('e2e/other:1'));
      const progress = parseProgress(stdout);
      for (const layer of img.layers) {
        assert.equal(progress.get(short(layer)), 'Mounted from e2e/app', `layer ${layer} in:\n${stdout}`);
      }
      assert.equal(pushedDigest(stdout, '1'), digest);
      assert.equal((await rawManifest(ref('e2e/other:1'))).digest, digest);
    });
  });
});
