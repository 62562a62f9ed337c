/** The storage.s3 config section: defaults, camelCase spellings, BERTH_STORAGE_S3_* overrides, errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const MIB = 1024 * 1024;

describe('storage.s3 config', () => {
  it('fills defaults and selects only the s3 driver', () => {
    const { storage } = parseConfig({ storage: { s3: { bucket: 'b' } } });
    assert.equal(storage.filesystem, undefined);
    assert.deepEqual(storage.s3, {
      bucket: 'b',
      region: 'us-east-1',
      forcepathstyle: false,
      rootdirectory: '',
      chunksize: 10 * MIB,
      sse: false,
      redirect: true,
    });
  });

  it('accepts the camelCase spellings and lower-cases them', () => {
    const raw = {
      bucket: 'b',
      forcePathStyle: true,
      rootDirectory: '/r',
      accessKey: 'a',
      secretKey: 's',
      chunkSize: 5 * MIB,
      storageClass: 'STANDARD_IA',
    };
    const s3 = parseConfig({ storage: { s3: raw } }).storage.s3!;
    assert.equal(s3.forcepathstyle, true);
    assert.equal(s3.rootdirectory, '/r');
    assert.deepEqual([s3.accesskey, s3.secretkey, s3.chunksize, s3.storageclass], ['a', 's', 5 * MIB, 'STANDARD_IA']);
  });

  it('takes BERTH_STORAGE_S3_* overrides, which win over the camelCase key in the file', () => {
    const env = { BERTH_STORAGE_S3_BUCKET: 'from-env', BERTH_STORAGE_S3_FORCEPATHSTYLE: 'true', BERTH_STORAGE_S3_REDIRECT: 'false' };
    const s3 = parseConfig({ storage: { s3: { bucket: 'file', forcePathStyle: false } } }, env).storage.s3!;
    assert.deepEqual([s3.bucket, s3.forcepathstyle, s3.redirect], ['from-env', true, false]);
    const only = parseConfig({}, { BERTH_STORAGE_S3_BUCKET: 'b', BERTH_STORAGE_S3_ENDPOINT: 'http://minio:9000' }).storage;
    assert.equal(only.filesystem, undefined);
    assert.equal(only.s3?.endpoint, 'http://minio:9000');
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no bucket', {}, /storage\.s3\.bucket/],
    ['a chunk size under 5 MiB', { bucket: 'b', chunksize: MIB }, /storage\.s3\.chunksize/],
    ['an access key without its secret', { bucket: 'b', accesskey: 'a' }, /accesskey and secretkey go together/],
    ['an unknown key', { bucket: 'b', bogus: 1 }, /storage\.s3\.bogus: unknown key/],
    ['an endpoint that is not a URL', { bucket: 'b', endpoint: 'minio:9000' }, /storage\.s3\.endpoint/],
    ['an unknown sse mode', { bucket: 'b', sse: 'rot13' }, /storage\.s3\.sse/],
  ];
  for (const [what, s3, re] of bad) {
    it(`rejects ${what}`, () => {
      assert.throws(
        () => parseConfig({ storage: { s3 } }),
        (err: Error) => err instanceof ConfigError && re.test(err.message),
      );
    });
  }

  it('rejects s3 beside another driver', () => {
    assert.throws(() => parseConfig({ storage: { s3: { bucket: 'b' }, inmemory: {} } }), /only one storage driver/);
  });
});
