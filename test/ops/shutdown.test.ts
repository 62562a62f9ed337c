/**
 * Graceful shutdown of a real process: on SIGTERM a request in flight that ends within
 * http.draintimeout is answered (with Connection: close); one that does not is cut at the
 * timeout, and its upload resumes after a restart from the bytes that reached storage.
 * SIGHUP re-reads read-only mode from the configuration file.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBerthProcess } from '../helpers/berth-process.js';

const digestOf = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A PATCH whose body is written by the test, chunk by chunk; `done` settles with the response or the error. */
function slowPatch(url: string): { write(b: Buffer): void; end(): void; done: Promise<IncomingMessage> } {
  const req = request(url, { method: 'PATCH', headers: { 'Content-Type': 'application/octet-stream', 'Transfer-Encoding': 'chunked' } });
  const done = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  return { write: (b) => void req.write(b), end: () => void req.end(), done };
}

async function startUpload(base: string): Promise<string> {
  const res = await fetch(`${base}/v2/team/app/blobs/uploads/`, { method: 'POST' });
  assert.equal(res.status, 202);
  return new URL(res.headers.get('location')!, base).toString();
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('graceful shutdown of a real process', { timeout: 180_000 }, () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'berth-stop-'))));
  after(() => rm(dir, { recursive: true, force: true }));
  const env = (root: string, drain: string) => ({ BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: root, BERTH_HTTP_DRAINTIMEOUT: drain });

  it('a request in flight that ends within the drain time is answered, then the process exits 0', async () => {
    const berth = await startBerthProcess(env(join(dir, 'a'), '20s'));
    const upload = await startUpload(berth.url);
    const patch = slowPatch(upload);
    patch.write(randomBytes(4096));
    await settle(300);
    berth.signal('SIGTERM');
    await settle(500);
    patch.write(randomBytes(4096));
    patch.end();
    const res = await patch.done;
    assert.equal(res.statusCode, 202);
    assert.equal(res.headers['range'], '0-8191');
    assert.equal(res.headers['connection'], 'close');
    assert.equal(await berth.exited, 0);
    assert.match(berth.stderr(), /"msg":"draining requests in flight"/);
  });

  it('one that outlives the drain time is cut; after a restart its upload resumes from what was stored', async () => {
    const root = join(dir, 'b');
    const first = await startBerthProcess(env(root, '1s'));
    const upload = await startUpload(first.url);
    const data = randomBytes(3 << 20);
    const patch = slowPatch(upload);
    patch.write(data.subarray(0, 1 << 20));
    await settle(500);
    first.signal('SIGTERM');
    await assert.rejects(patch.done, /socket hang up|ECONNRESET/);
    assert.equal(await first.exited, 0);
    assert.match(first.stderr(), /drain timeout: cutting the requests still in flight/);

    const second = await startBerthProcess(env(root, '1s'));
    try {
      const path = new URL(upload).pathname;
      const status = await fetch(`${second.url}${path}`);
      assert.equal(status.status, 204);
      const stored = Number(status.headers.get('range')!.split('-')[1]) + 1;
      assert.ok(stored > 0 && stored <= 1 << 20, `stored ${stored} bytes`);
      const rest = await fetch(`${second.url}${path}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${stored}-${data.length - 1}` },
        body: data.subarray(stored),
      });
      assert.equal(rest.status, 202, await rest.text());
      const put = await fetch(`${second.url}${path}?digest=${digestOf(data)}`, { method: 'PUT' });
      assert.equal(put.status, 201, await put.text());
      const blob = await fetch(`${second.url}/v2/team/app/blobs/${digestOf(data)}`);
      assert.deepEqual(Buffer.from(await blob.arrayBuffer()), data);
    } finally {
      await second.stop();
    }
  });

  it('SIGHUP re-reads storage.maintenance.readonly from the file: writes are refused, then accepted again', async () => {
    const file = join(dir, 'config.yml');
    const config = (readonly: boolean) =>
      writeFile(
        file,
        `storage:\n  filesystem:\n    rootdirectory: ${join(dir, 'c')}\n  maintenance:\n    readonly:\n      enabled: ${readonly}\n`,
      );
    await config(false);
    const berth = await startBerthProcess({ BERTH_CONFIG: file });
    try {
      const post = () => fetch(`${berth.url}/v2/team/app/blobs/uploads/`, { method: 'POST' });
      assert.equal((await post()).status, 202);
      await config(true);
      berth.signal('SIGHUP');
      let res = await post();
      for (let i = 0; i < 50 && res.status === 202; i++) res = (await settle(100), await post());
      assert.equal(res.status, 403);
      assert.match(((await res.json()) as { errors: { message: string }[] }).errors[0]!.message, /read-only mode/);
      assert.equal((await fetch(`${berth.url}/v2/`)).status, 200);
      await config(false);
      berth.signal('SIGHUP');
      for (let i = 0; i < 50 && res.status === 403; i++) res = (await settle(100), await post());
      assert.equal(res.status, 202);
      assert.match(berth.stderr(), /"by":"SIGHUP"/);
    } finally {
      await berth.stop();
    }
  });
});
