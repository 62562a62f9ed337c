/** What only the S3 driver promises: Distribution's keys, multipart state in the bucket, fallbacks. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { parseConfig } from '../../src/config/load.js';
import { PathNotFoundError, StorageUnavailableError } from '../../src/storage/driver.js';
import type { BaseDriver } from '../../src/storage/base.js';
import { createS3Context, MAX_COPY, type S3Context, type S3DriverOptions } from '../../src/storage/drivers/s3-client.js';
import { copyObject } from '../../src/storage/drivers/s3-copy.js';
import { createDriver } from '../../src/storage/factory.js';
import { startS3rver, type TestS3 } from '../helpers/s3rver.js';
import { drain } from './driver-suite.js';

const MIB = 1024 * 1024;
let s3: TestS3;
before(async () => (s3 = await startS3rver()));
after(() => s3.cleanup());

function options(extra: Record<string, unknown> = {}): S3DriverOptions {
  return parseConfig({ storage: { s3: s3.config({ chunksize: 5 * MIB, ...extra }) } }).storage.s3 as S3DriverOptions;
}
const driver = (extra: Record<string, unknown> = {}): BaseDriver => createDriver({ s3: options(extra) });
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Every key under `prefix`, straight from the bucket. */
async function keys(ctx: S3Context, prefix: string): Promise<string[]> {
  const out = await ctx.client.send(new ListObjectsV2Command({ Bucket: ctx.bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

describe('s3 driver specifics (s3rver)', () => {
  it("maps paths to Distribution's keys: rootdirectory + path, no leading slash", async () => {
    const ctx = createS3Context(options());
    await driver({ rootdirectory: '/registry/' }).putContent('/docker/registry/v2/x', 'a');
    await driver({ rootdirectory: '' }).putContent('/docker/registry/v2/y', 'b');
    assert.deepEqual(await keys(ctx, 'registry/'), ['registry/docker/registry/v2/x']);
    assert.deepEqual(await keys(ctx, 'docker/'), ['docker/registry/v2/y']);
  });

  it('an open upload lives in the bucket: a second driver continues it, reading completes it', async () => {
    const ctx = createS3Context(options());
    const [one, two] = [driver({ rootdirectory: '/open' }), driver({ rootdirectory: '/open' })];
    const a = randomBytes(7 * MIB);
    const b = randomBytes(1 * MIB + 123);
    const w1 = await one.writer('/u/data', false);
    w1.end(a);
    await w1.commit();
    // One 5 MiB part in the multipart upload, 2 MiB in a tail object, the state beside it.
    const open = await keys(ctx, 'open/u/');
    assert.equal(open.length, 2, open.join());
    assert.ok(open.includes('open/u/data~berth-multipart'));
    assert.ok(open.some((k) => k.startsWith('open/u/data~berth-tail-')));
    assert.equal((await two.stat('/u/data')).size, a.length);
    assert.deepEqual(await two.list('/u'), ['/u/data']);

    const w2 = await two.writer('/u/data', true);
    assert.equal(w2.size, a.length);
    w2.end(b);
    await w2.commit();
    assert.equal((await one.stat('/u/data')).size, a.length + b.length);

    const read = await drain(await one.reader('/u/data'));
    assert.equal(sha(read), sha(Buffer.concat([a, b])));
    assert.deepEqual(await keys(ctx, 'open/u/'), ['open/u/data'], 'reading completed the upload, sidecars gone');
  });

  it('appending to a plain object over 5 MiB streams it into the upload (no UploadPartCopy on s3rver)', async () => {
    const d = driver({ rootdirectory: '/plain' });
    const a = randomBytes(6 * MIB);
    const b = randomBytes(100);
    await d.putContent('/p', a);
    const w = await d.writer('/p', true);
    assert.equal(w.size, a.length);
    w.end(b);
    await w.commit();
    assert.equal(sha(await d.getContent('/p')), sha(Buffer.concat([a, b])));
  });

  it('copies beyond CopyObject fall back to a streamed multipart copy', async () => {
    const ctx = createS3Context(options());
    const data = randomBytes(11 * MIB + 7);
    const d = driver();
    await d.putContent('/copy/src', data);
    // Claiming more than 5 GiB takes the UploadPartCopy route, which s3rver lacks.
    await copyObject(ctx, 'copy/src', 'copy/dst', MAX_COPY + 1);
    assert.equal(sha(await d.getContent('/copy/dst')), sha(data));
  });

  it('move completes an open upload and copies it; the source and its sidecars are gone', async () => {
    const ctx = createS3Context(options());
    const d = driver({ rootdirectory: '/mv' });
    const data = randomBytes(6 * MIB);
    const w = await d.writer('/up/data', false);
    w.end(data);
    await w.commit();
    await d.move('/up/data', '/blobs/x/data');
    assert.equal(sha(await d.getContent('/blobs/x/data')), sha(data));
    assert.deepEqual(await keys(ctx, 'mv/up/'), []);
    await assert.rejects(d.stat('/up/data'), PathNotFoundError);
  });

  it('a failed stream leaves nothing visible, and delete removes an open upload with its sidecars', async () => {
    const ctx = createS3Context(options());
    const d = driver({ rootdirectory: '/del' });
    const w = await d.writer('/f/data', false);
    w.write(randomBytes(6 * MIB));
    w.destroy(new Error('client went away'));
    await assert.rejects(w.commit());
    await assert.rejects(d.stat('/f/data'), PathNotFoundError);

    const w2 = await d.writer('/g/data', false);
    w2.end(randomBytes(6 * MIB));
    await w2.commit();
    await d.delete('/g');
    assert.deepEqual(await keys(ctx, 'del/'), []);
  });

  it('lists and walks more keys than one ListObjectsV2 page', async () => {
    const d = driver({ rootdirectory: '/many' });
    const names = Array.from({ length: 1010 }, (_, i) => `t${String(i).padStart(4, '0')}`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map((n) => d.putContent(`/tags/${n}/current/link`, n)));
    }
    const listed = (await d.list('/tags')).map((p) => p.slice('/tags/'.length)).sort();
    assert.deepEqual(listed, names);
    let dirs = 0;
    let files = 0;
    await d.walk('/tags', (info) => {
      if (info.isDir) dirs++;
      else files++;
    });
    assert.deepEqual([dirs, files], [2020, 1010]);
    const skipped: string[] = [];
    await d.walk('/tags', (info) => {
      skipped.push(info.path);
      return 'skip';
    });
    assert.equal(skipped.length, 1010);
  });

  it('check() names the bucket and endpoint when the bucket is missing or the keys are wrong', async () => {
    await driver().check();
    const missing = createDriver({ s3: options({ bucket: 'no-such-bucket' }) });
    await assert.rejects(missing.check(), (err: Error) => {
      assert.ok(err instanceof StorageUnavailableError);
      assert.match(err.message, /bucket "no-such-bucket" at http:\/\/127\.0\.0\.1:\d+: the bucket does not exist/);
      return true;
    });
    const wrong = createDriver({ s3: options({ accesskey: 'WRONG', secretkey: 'WRONG' }) });
    await assert.rejects(wrong.check(), /bucket "berth-test" at http:\/\/127\.0\.0\.1:\d+: access denied/);
  });

  it('redirectURL presigns a GET that needs no other credentials', async () => {
    const d = driver({ rootdirectory: '/redir', redirect: true });
    await d.putContent('/blob', 'presigned bytes');
    const url = await d.redirectURL('/blob', 'GET');
    assert.ok(url?.startsWith(`${s3.endpoint}/berth-test/redir/blob?`), url ?? 'null');
    assert.match(url!, /X-Amz-Signature=/);
    const res = await fetch(url!);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'presigned bytes');
    assert.equal(await driver({ redirect: false }).redirectURL('/blob', 'GET'), null);
  });
});
