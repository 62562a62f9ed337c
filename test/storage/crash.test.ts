/**
 * The durability contract against a real process killed with kill -9 right after each 201:
 * every blob and manifest acknowledged before the kill is served whole by the next process
 * over the same folder. (kill -9 keeps the kernel's page cache, so this shows that nothing
 * acknowledged waits in the process; that the bytes reach the disk before a power cut is
 * shown by the fsync order in durability.test.ts.)
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBerthProcess } from '../helpers/berth-process.js';

const digestOf = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('kill -9 right after a 201', { timeout: 180_000 }, () => {
  let root: string;
  before(async () => (root = await mkdtemp(join(tmpdir(), 'berth-crash-'))));
  after(() => rm(root, { recursive: true, force: true }));
  const env = () => ({ BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: root, BERTH_HTTP_WORKERS: '1' });

  it('loses no acknowledged blob or manifest', async () => {
    const acknowledged: { path: string; body: Buffer }[] = [];
    for (let round = 0; round < 4; round++) {
      const berth = await startBerthProcess(env());
      // Everything acknowledged by the processes killed so far is here.
      for (const { path, body } of acknowledged) {
        const res = await fetch(`${berth.url}${path}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
        assert.equal(res.status, 200, `${path} after round ${round}`);
        assert.ok(Buffer.from(await res.arrayBuffer()).equals(body), `${path} content`);
      }
      const layer = randomBytes(64 << 10);
      const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', round }));
      for (const blob of [layer, config]) {
        const d = digestOf(blob);
        const res = await fetch(`${berth.url}/v2/crash/app/blobs/uploads/?digest=${d}`, { method: 'POST', body: blob });
        assert.equal(res.status, 201);
        acknowledged.push({ path: `/v2/crash/app/blobs/${d}`, body: blob });
      }
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: layer.length }],
        }),
      );
      const put = await fetch(`${berth.url}/v2/crash/app/manifests/r${round}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
        body: manifest,
      });
      // The kill follows the 201 at once: no drain, no closer runs.
      berth.signal('SIGKILL');
      assert.equal(put.status, 201);
      acknowledged.push({ path: `/v2/crash/app/manifests/r${round}`, body: manifest });
      await berth.exited;
    }
    const last = await startBerthProcess(env());
    try {
      for (const { path, body } of acknowledged) {
        const res = await fetch(`${last.url}${path}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
        assert.equal(res.status, 200, path);
        assert.ok(Buffer.from(await res.arrayBuffer()).equals(body));
      }
    } finally {
      await last.stop();
    }
  });
});
