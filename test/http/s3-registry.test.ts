/**
 * The registry on S3 beyond the shared HTTP suites: two Berth processes on one bucket, the
 * presigned redirect, the start-up check, and a storage outage answered with 503.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { parseConfig } from '../../src/config/load.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { createRegistry } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { failedStart, startBerthProcess, type BerthProcess } from '../helpers/berth-process.js';
import { expectError, pathOf } from '../helpers/http.js';
import { digestOf, getBytes, pushBlob, startUpload, withQuery } from '../helpers/oci.js';
import { startS3rver, type TestS3 } from '../helpers/s3rver.js';

const MIB = 1024 * 1024;
const octet = { 'Content-Type': 'application/octet-stream' };
const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** BERTH_* variables pointing a process at the test bucket. */
function s3Env(s3: TestS3, extra: Record<string, string> = {}): Record<string, string> {
  return {
    BERTH_STORAGE_S3_BUCKET: s3.bucket,
    BERTH_STORAGE_S3_ENDPOINT: s3.endpoint,
    BERTH_STORAGE_S3_REGION: 'us-east-1',
    BERTH_STORAGE_S3_FORCEPATHSTYLE: 'true',
    BERTH_STORAGE_S3_ACCESSKEY: 'S3RVER',
    BERTH_STORAGE_S3_SECRETKEY: 'S3RVER',
    BERTH_STORAGE_S3_CHUNKSIZE: String(5 * MIB),
    BERTH_STORAGE_S3_ROOTDIRECTORY: '/registry',
    ...extra,
  };
}

describe('two Berth processes on one bucket', () => {
  let s3: TestS3;
  let a: BerthProcess;
  let b: BerthProcess;
  before(async () => {
    s3 = await startS3rver();
    [a, b] = await Promise.all([startBerthProcess(s3Env(s3)), startBerthProcess(s3Env(s3))]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await s3.cleanup();
  });

  it('PATCHes through the first, the final PUT through the second, and the blob pulls intact', async () => {
    const parts = [randomBytes(7 * MIB), randomBytes(2 * MIB + 1), randomBytes(MIB - 5)];
    const whole = Buffer.concat(parts);
    const start = await request(a.url).post('/v2/two/procs/blobs/uploads/');
    assert.equal(start.status, 202);
    const path = pathOf(start.headers['location']);
    let offset = 0;
    for (const [i, part] of parts.slice(0, 2).entries()) {
      const via = i === 0 ? a : b;
      const res = await request(via.url)
        .patch(path)
        .set({ ...octet, 'Content-Range': `${offset}-${offset + part.length - 1}` })
        .send(part);
      offset += part.length;
      assert.equal(res.status, 202, res.text);
      assert.equal(res.headers['range'], `0-${offset - 1}`);
    }
    const status = await request(a.url).get(path);
    assert.equal(status.headers['range'], `0-${offset - 1}`);
    const put = await request(b.url)
      .put(withQuery(path, { digest: sha(whole) }))
      .set(octet)
      .send(parts[2]!);
    assert.equal(put.status, 201, put.text);

    // GET is redirected to a presigned S3 URL; following it (with no credentials) gives the bytes.
    const get = await request(a.url)
      .get(`/v2/two/procs/blobs/${sha(whole)}`)
      .redirects(0);
    assert.equal(get.status, 307);
    const location = get.headers['location']!;
    assert.ok(location.startsWith(`${s3.endpoint}/${s3.bucket}/registry/docker/registry/v2/blobs/sha256/`), location);
    assert.equal(get.headers['authorization'], undefined);
    const pulled = Buffer.from(await (await fetch(location)).arrayBuffer());
    assert.equal(pulled.length, whole.length);
    assert.equal(sha(pulled), sha(whole));

    // HEAD is answered by Berth itself, never redirected.
    const head = await request(b.url)
      .head(`/v2/two/procs/blobs/${sha(whole)}`)
      .redirects(0);
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(whole.length));
    assert.equal(head.headers['location'], undefined);
  });

  it('a missing bucket or wrong credentials stop the start with a message naming bucket and endpoint', async () => {
    const missing = await failedStart(s3Env(s3, { BERTH_STORAGE_S3_BUCKET: 'no-such-bucket' }));
    assert.equal(missing.code, 1);
    assert.ok(missing.stderr.includes(`bucket "no-such-bucket" at ${s3.endpoint}: the bucket does not exist`), missing.stderr);
    // s3rver knows access key ids but does not verify SigV4 signatures: a wrong key id it is.
    const denied = await failedStart(s3Env(s3, { BERTH_STORAGE_S3_ACCESSKEY: 'NOBODY' }));
    assert.equal(denied.code, 1);
    assert.ok(denied.stderr.includes(`bucket "${s3.bucket}" at ${s3.endpoint}: access denied`), denied.stderr);
  });
});

describe('uploads continue in another process from the saved hash state', () => {
  let s3: TestS3;
  before(async () => (s3 = await startS3rver()));
  after(() => s3.cleanup());

  it('the second process completes without reading the uploaded bytes again', async () => {
    const make = () => {
      const config = parseConfig({ storage: { s3: s3.config({ chunksize: 5 * MIB, redirect: false }) } });
      const driver = createDriver(config.storage);
      return { driver, app: createApp({ config, registry: createRegistry(driver, config.storage), log: createLogger('error') }) };
    };
    const [one, two] = [make(), make()];
    const data = randomBytes(6 * MIB + 3);
    const { path } = await startUpload(one.app, 'hash/resume');
    assert.equal((await request(one.app).patch(path).set(octet).send(data)).status, 202);
    const put = await request(two.app).put(withQuery(path, { digest: sha(data) }));
    assert.equal(put.status, 201, put.text);
    assert.equal(two.driver.stats().reader.calls, 0, 'the upload was rehashed from storage');
    const got = await getBytes(one.app, `/v2/hash/resume/blobs/${sha(data)}`);
    assert.equal(sha(got.body as Buffer), sha(data));
  });
});

describe('an S3 outage', () => {
  let t: TestApp;
  let again: TestS3 | undefined;
  before(async () => (t = await makeApp('s3')));
  after(async () => {
    await again?.cleanup();
    await t.cleanup();
  });

  it('answers 503 UNAVAILABLE after the retries, and leaves nothing half-written visible', async () => {
    const kept = await pushBlob(t.app, 'out/age', 'stored before the outage');
    const { path } = await startUpload(t.app, 'out/age');
    const first = Buffer.from('first chunk, stored');
    assert.equal((await request(t.app).patch(path).set(octet).send(first)).status, 202);
    const s3 = t.s3!;
    await s3.stop();

    expectError(await getBytes(t.app, `/v2/out/age/blobs/${kept}`), 503, 'UNAVAILABLE');
    const lost = Buffer.from('second chunk, during the outage');
    expectError(await request(t.app).patch(path).set(octet).send(lost), 503, 'UNAVAILABLE');
    const whole = Buffer.concat([first, lost]);
    expectError(await request(t.app).put(withQuery(path, { digest: sha(whole) })), 503, 'UNAVAILABLE');

    again = await startS3rver({ port: s3.port, dir: s3.dir, bucket: s3.bucket });
    const status = await request(t.app).get(path);
    assert.equal(status.status, 204);
    assert.equal(status.headers['range'], `0-${first.length - 1}`, 'the upload holds only the stored chunk');
    assert.equal((await request(t.app).head(`/v2/out/age/blobs/${sha(whole)}`)).status, 404);
    assert.equal((await getBytes(t.app, `/v2/out/age/blobs/${kept}`)).status, 200);
    assert.equal(digestOf('stored before the outage'), kept);
  });
});
