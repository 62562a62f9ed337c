/**
 * Garbage collection with real clients and beside Distribution 2.8.2:
 *  - docker pushes and pulls while Berth's scheduler runs GC back to back (with
 *    deleteuntagged), re-pushing images whose blobs and manifests are garbage at that moment;
 *    afterwards every pushed image pulls and runs;
 *  - on copies of one data folder (docker pushes, a multi-arch index, an untagged image, an
 *    orphan blob, a referrer), `berth gc` sweeps exactly the blobs `docker-registry
 *    garbage-collect` sweeps, and with --delete-untagged exactly those minus the index
 *    children's and the referrer's (where Distribution is wrong: README "Garbage collection").
 */
import assert from 'node:assert/strict';
import { cp, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BuiltImage, OciLayout, RunningRegistry } from './helpers.js';
import {
  DISTRIBUTION_BIN,
  REPO_ROOT,
  buildMultiLayerImage,
  buildOciLayout,
  docker,
  inspectImage,
  makeTempDir,
  rawManifest,
  removeDir,
  removeImages,
  runImage,
  sh,
  sha256,
  skopeoCopy,
  startBerth,
  withLogs,
} from './helpers.js';

/** Set every file's times under `dir` to `ms` ago: what an hour passing looks like to the grace period. */
async function age(dir: string, ms: number): Promise<void> {
  const when = new Date(Date.now() - ms);
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) await utimes(join(entry.parentPath, entry.name), when, when);
  }
}

/** Every blob digest stored under a Distribution-layout root. */
async function blobsIn(root: string): Promise<Set<string>> {
  const base = join(root, 'docker/registry/v2/blobs/sha256');
  const out = new Set<string>();
  for (const prefix of await readdir(base).catch(() => [])) {
    for (const hex of await readdir(join(base, prefix))) {
      if ((await readdir(join(base, prefix, hex))).includes('data')) out.add(`sha256:${hex}`);
    }
  }
  return out;
}

/** Waits (up to 15 s) for a GC run that started at or after `since` to finish, by the server's log. */
async function runStartedAfter(reg: RunningRegistry, since: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const finished = (await reg.log()).split('\n').filter((l) => l.includes('"gc run finished"'));
    if (finished.some((l) => Date.parse((JSON.parse(l) as { startedAt: string }).startedAt) >= since)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no GC run started after ${new Date(since).toISOString()} finished within 15 s`);
}

const minus = (a: Set<string>, b: Set<string>): string[] => [...a].filter((x) => !b.has(x)).sort();

describe('garbage collection while docker pushes and pulls', () => {
  let dir = '';
  let reg: RunningRegistry;
  const images: BuiltImage[] = [];
  before(async () => {
    dir = await makeTempDir('gc-busy');
    for (let i = 0; i < 3; i++) images.push(await buildMultiLayerImage({ tag: `berth-e2e/gc:${i}`, fileSizes: [300_000, 200_000 + i] }));
    reg = await startBerth({
      root: join(dir, 'data'),
      env: { BERTH_GC_INTERVAL: '200ms', BERTH_GC_GRACEPERIOD: '10m', BERTH_GC_DELETEUNTAGGED: 'true', BERTH_LOG_LEVEL: 'info' },
    });
  });
  after(async () => {
    await reg?.stop();
    await removeImages(...images.map((i) => i.tag));
    await removeDir(dir);
  });

  it('loses no push: every image pushed during the runs pulls and runs afterwards', async () => {
    await withLogs([reg], async () => {
      const pushed: { ref: string; image: BuiltImage }[] = [];
      const push = async (image: BuiltImage, ref: string, keep = true): Promise<void> => {
        await docker('tag', image.tag, `${reg.host}/${ref}`);
        await docker('push', `${reg.host}/${ref}`);
        if (keep) pushed.push({ ref, image });
      };
      await push(images[0]!, 'gc/base:kept');
      for (let round = 0; round < 4; round++) {
        // images[1] is pushed, untagged and aged: garbage the runs sweep while it is pushed again.
        await push(images[1]!, `gc/app:round${round}`, false);
        const res = await fetch(`${reg.url}/v2/gc/app/manifests/round${round}`, { method: 'DELETE' });
        assert.equal(res.status, 202);
        await age(reg.root, 2 * 3_600_000);
        // Wait for a run that starts after the ageing, so each round has garbage swept for
        // certain (at a 200 ms interval a re-push often beat the next run to it: CI saw none).
        await runStartedAfter(reg, Date.now());
        await push(images[1]!, `gc/app:again${round}`);
        await push(images[2]!, `gc/other:r${round}`);
        await docker('pull', `${reg.host}/gc/base:kept`);
      }
      // Let a few more runs pass, then pull everything from scratch.
      await new Promise((r) => setTimeout(r, 1_500));
      const log = await reg.log();
      const runs = log.split('\n').filter((l) => l.includes('"gc run finished"'));
      assert.ok(runs.length > 3, `the collector ran during the pushes (${runs.length} runs)`);
      assert.ok(
        runs.some((l) => /"freedBlobs":[1-9]/.test(l)),
        'some run swept garbage',
      );
      for (const { ref, image } of pushed) {
        await removeImages(`${reg.host}/${ref}`);
        await docker('pull', `${reg.host}/${ref}`);
        assert.equal((await inspectImage(`${reg.host}/${ref}`)).Id, image.id, ref);
        assert.equal((await runImage(`${reg.host}/${ref}`)).trim(), image.nonce);
      }
      await removeImages(...pushed.map((p) => `${reg.host}/${p.ref}`));
    });
  });
});

describe('garbage collection compared with Distribution 2.8.2', () => {
  let dir = '';
  let image: BuiltImage;
  let oci: OciLayout;
  let kept = '';
  let referrer = '';
  before(async () => {
    dir = await makeTempDir('gc-compare');
    image = await buildMultiLayerImage({ tag: 'berth-e2e/gc:compare', fileSizes: [100_000, 50_000] });
    const untagged = await buildMultiLayerImage({ tag: 'berth-e2e/gc:untagged', fileSizes: [70_000] });
    oci = await buildOciLayout(join(dir, 'oci'), { randomBytes: 64 * 1024 });
    const reg = await startBerth({ root: join(dir, 'data') });
    try {
      await docker('tag', image.tag, `${reg.host}/cmp/app:v1`);
      await docker('push', `${reg.host}/cmp/app:v1`);
      await docker('tag', untagged.tag, `${reg.host}/cmp/app:old`);
      await docker('push', `${reg.host}/cmp/app:old`);
      assert.equal((await fetch(`${reg.url}/v2/cmp/app/manifests/old`, { method: 'DELETE' })).status, 202);
      await skopeoCopy(oci.ref(oci.indexTag), `docker://${reg.host}/cmp/multi:1`, { all: true });
      // An orphan blob, and an artifact whose subject is the tagged image.
      await upload(reg, 'cmp/app', Buffer.from('an orphan layer'));
      await upload(reg, 'cmp/app', Buffer.from('{}'));
      kept = (await rawManifest(`${reg.host}/cmp/app:v1`)).digest;
      const subject = await rawManifest(`${reg.host}/cmp/app:v1`);
      const artifact = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.example.sbom',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2 },
        layers: [{ mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2 }],
        subject: { mediaType: subject.json['mediaType'], digest: subject.digest, size: subject.bytes.length },
      });
      referrer = sha256(artifact);
      const put = await fetch(`${reg.url}/v2/cmp/app/manifests/${referrer}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        body: artifact,
      });
      assert.equal(put.status, 201, await put.text());
    } finally {
      await reg.stop();
      await removeImages('berth-e2e/gc:untagged');
    }
    await age(join(dir, 'data'), 2 * 3_600_000);
  });
  after(async () => {
    await removeImages('berth-e2e/gc:compare');
    await removeDir(dir);
  });

  /** Run both collectors on their own copy of the data folder; the blobs each left. */
  async function both(deleteUntagged: boolean): Promise<{ distribution: Set<string>; berth: Set<string>; before: Set<string> }> {
    const mode = deleteUntagged ? 'untagged' : 'plain';
    const roots = { distribution: join(dir, `dist-${mode}`), berth: join(dir, `berth-${mode}`) };
    for (const root of Object.values(roots)) await cp(join(dir, 'data'), root, { recursive: true, preserveTimestamps: true });
    for (const [name, root] of Object.entries(roots)) {
      await writeFile(join(dir, `${name}-${mode}.yml`), `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${root}\n`);
    }
    const flag = deleteUntagged ? ['--delete-untagged'] : [];
    await sh(DISTRIBUTION_BIN, ['garbage-collect', join(dir, `distribution-${mode}.yml`), ...flag]);
    const out = await sh(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', 'gc', '--config', join(dir, `berth-${mode}.yml`), ...flag, '--json'],
      {
        cwd: REPO_ROOT,
      },
    );
    assert.equal(JSON.parse(out.stdout).ok, true, out.stdout);
    return { distribution: await blobsIn(roots.distribution), berth: await blobsIn(roots.berth), before: await blobsIn(join(dir, 'data')) };
  }

  it('without --delete-untagged, both sweep exactly the same blobs', async () => {
    const r = await both(false);
    const swept = minus(r.before, r.berth);
    assert.deepEqual(swept, minus(r.before, r.distribution));
    assert.deepEqual(swept, [sha256('an orphan layer')]);
  });

  it('with --delete-untagged, Berth sweeps what Distribution sweeps except the index children and the referrer', async () => {
    const r = await both(true);
    // Berth never sweeps more than Distribution.
    assert.deepEqual(minus(r.berth, r.distribution).length > 0, true);
    assert.deepEqual(minus(r.distribution, r.berth), []);
    // What Distribution sweeps and Berth keeps: the index children's configs and layers, the referrer.
    const children = new Set(oci.platforms.flatMap((p) => [p.configDigest, ...p.layerDigests]));
    const expected = minus(new Set([...children, referrer, sha256('{}')]), r.distribution).filter((d) => r.before.has(d));
    assert.deepEqual(minus(r.berth, r.distribution), expected);
    // Both swept the untagged image and the orphan; both kept the tagged image.
    assert.ok(!r.berth.has(sha256('an orphan layer')));
    assert.ok(r.berth.has(kept) && r.distribution.has(kept));
    assert.ok(r.berth.has(image.id) && r.distribution.has(image.id));
  });
});

/** Upload a blob in one POST. */
async function upload(reg: RunningRegistry, name: string, data: Buffer): Promise<void> {
  const res = await fetch(`${reg.url}/v2/${name}/blobs/uploads/?digest=${sha256(data)}`, { method: 'POST', body: new Uint8Array(data) });
  assert.equal(res.status, 201);
}
