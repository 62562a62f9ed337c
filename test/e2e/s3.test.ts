/**
 * Real clients against Berth on S3 storage (s3rver): docker push, docker pull through the
 * presigned 307 redirect (dockerd fetches the layers from s3rver itself), skopeo copy out to
 * an OCI layout and back in.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startS3rver, type TestS3 } from '../helpers/s3rver.js';
import type { BuiltImage, RunningRegistry } from './helpers.js';
import {
  BASE_IMAGE,
  DISTRIBUTION_BIN,
  freePort,
  buildMultiLayerImage,
  docker,
  imageExists,
  inspectImage,
  layoutDescriptor,
  makeTempDir,
  parseProgress,
  rawManifest,
  removeDir,
  removeImages,
  short,
  skopeoCopy,
  startBerth,
  verifyLayoutBlobs,
  withLogs,
} from './helpers.js';

const MIB = 1024 * 1024;

describe('docker and skopeo against Berth on S3', { timeout: 300_000 }, () => {
  let s3: TestS3;
  let reg: RunningRegistry;
  let img: BuiltImage;
  let digest = '';
  const dirs: string[] = [];

  before(
    async () => {
      s3 = await startS3rver();
      const root = await makeTempDir('s3-scratch');
      dirs.push(root);
      reg = await startBerth({
        root,
        storageEnv: {
          BERTH_STORAGE_S3_BUCKET: s3.bucket,
          BERTH_STORAGE_S3_ENDPOINT: s3.endpoint,
          BERTH_STORAGE_S3_FORCEPATHSTYLE: 'true',
          BERTH_STORAGE_S3_ACCESSKEY: 'S3RVER',
          BERTH_STORAGE_S3_SECRETKEY: 'S3RVER',
          BERTH_STORAGE_S3_ROOTDIRECTORY: '/registry',
          // The smallest part size, so the 12 MiB layer spans several parts plus a tail.
          BERTH_STORAGE_S3_CHUNKSIZE: String(5 * MIB),
        },
        env: { BERTH_LOG_ACCESSLOG_DISABLED: 'false' },
      });
      img = await buildMultiLayerImage({ tag: `berth-e2e/app:s3-${process.pid}`, fileSizes: [12 * MIB, MIB, 6 * MIB] });
    },
    { timeout: 180_000 },
  );

  after(
    async () => {
      await reg?.stop();
      await s3?.cleanup();
      if (img) await removeImages(img.id);
      for (const d of dirs) await removeDir(d);
    },
    { timeout: 60_000 },
  );

  const ref = (repoTag: string): string => `${reg.host}/${repoTag}`;

  it('docker push uploads every layer into the bucket', async () => {
    await withLogs([reg], async () => {
      await docker('tag', img.tag, ref('e2e/s3app:1'));
      const { stdout } = await docker('push', ref('e2e/s3app:1'));
      const progress = parseProgress(stdout);
      for (const layer of img.layers) assert.equal(progress.get(short(layer)), 'Pushed', `layer ${layer} in:\n${stdout}`);
      const m = /^1: digest: (sha256:[0-9a-f]{64}) size: \d+$/m.exec(stdout);
      assert.ok(m?.[1], stdout);
      digest = m[1];
      assert.equal((await rawManifest(ref('e2e/s3app:1'))).digest, digest);
    });
  });

  it('docker pull follows the presigned redirect to S3 and restores the same image', async () => {
    await withLogs([reg], async () => {
      assert.ok(digest, 'the push test must have run');
      await docker('rmi', '-f', img.id);
      await docker('rmi', BASE_IMAGE).catch(() => undefined);
      assert.equal(await imageExists(img.id), false);
      const { stdout } = await docker('pull', ref('e2e/s3app:1'));
      assert.match(stdout, new RegExp(`Digest: ${digest}`));
      const info = await inspectImage(ref('e2e/s3app:1'));
      assert.equal(info.Id, img.id);
      assert.deepEqual(info.RootFS.Layers, img.layers);
      // Every layer GET was answered with a 307 to S3: dockerd fetched the bytes from s3rver.
      const redirected = (await reg.log())
        .split('\n')
        .filter((l) => l.includes('"msg":"request"') && l.includes('"method":"GET"') && /\/blobs\/sha256:/.test(l))
        .map((l) => (JSON.parse(l) as { status: number }).status);
      assert.ok(redirected.length >= img.layers.length, `blob GETs: ${redirected.join(',')}`);
      assert.ok(
        redirected.every((s) => s === 307),
        `blob GET statuses: ${redirected.join(',')}`,
      );
    });
  });

  it('skopeo copy out to an OCI layout and back into another repository keeps the digest', async () => {
    await withLogs([reg], async () => {
      const dir = await makeTempDir('s3-oci');
      dirs.push(dir);
      await skopeoCopy(`docker://${ref('e2e/s3app:1')}`, `oci:${dir}:app`);
      assert.ok((await verifyLayoutBlobs(dir)) >= img.layers.length + 1);
      await skopeoCopy(`oci:${dir}:app`, `docker://${ref('e2e/s3copy:1')}`);
      const copied = await rawManifest(ref('e2e/s3copy:1'));
      // skopeo converts to OCI when writing a layout; copying back keeps that manifest's digest.
      assert.equal(copied.digest, (await layoutDescriptor(dir, 'app')).digest);
      assert.equal((copied.json.layers as unknown[]).length, img.layers.length);
      await skopeoCopy(`docker://${ref('e2e/s3app:1')}`, `docker://${ref('e2e/s3twin:1')}`);
      assert.equal((await rawManifest(ref('e2e/s3twin:1'))).digest, digest, 'registry-to-registry copy keeps the digest');
    });
  });

  it("Distribution 2.8.2's s3 driver serves the manifest and layers Berth wrote to the bucket", async () => {
    await withLogs([reg], async () => {
      assert.ok(digest, 'the push test must have run');
      const dir = await makeTempDir('s3-dist');
      dirs.push(dir);
      const port = await freePort();
      const config = join(dir, 'config.yml');
      await writeFile(
        config,
        [
          'version: 0.1',
          'log: {level: error}',
          'storage:',
          `  s3: {region: us-east-1, regionendpoint: "${s3.endpoint}", bucket: ${s3.bucket}, accesskey: S3RVER, secretkey: S3RVER, rootdirectory: /registry, secure: false, v4auth: true}`,
          '  redirect: {disable: true}',
          `http: {addr: "127.0.0.1:${port}"}`,
          '',
        ].join('\n'),
      );
      // Distribution's AWS SDK refuses to start when AWS_CA_BUNDLE is set for a plain-HTTP endpoint.
      const env = { ...process.env };
      delete env['AWS_CA_BUNDLE'];
      const dist = spawn(DISTRIBUTION_BIN, ['serve', config], { env, stdio: 'ignore' });
      try {
        const base = `http://127.0.0.1:${port}`;
        for (let i = 0; (await fetch(`${base}/v2/`).catch(() => null))?.status !== 200; i++) {
          assert.ok(i < 100, 'Distribution did not start');
          await new Promise((r) => setTimeout(r, 100));
        }
        const res = await fetch(`${base}/v2/e2e/s3app/manifests/1`, {
          headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
        });
        const bytes = Buffer.from(await res.arrayBuffer());
        assert.equal(res.status, 200);
        assert.equal(`sha256:${createHash('sha256').update(bytes).digest('hex')}`, digest);
        const manifest = JSON.parse(bytes.toString('utf8')) as { config: { digest: string }; layers: { digest: string }[] };
        for (const blob of [manifest.config, ...manifest.layers]) {
          const got = Buffer.from(await (await fetch(`${base}/v2/e2e/s3app/blobs/${blob.digest}`)).arrayBuffer());
          assert.equal(`sha256:${createHash('sha256').update(got).digest('hex')}`, blob.digest);
        }
      } finally {
        dist.kill('SIGTERM');
      }
    });
  });
});
