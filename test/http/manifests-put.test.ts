/** Manifest PUT: every supported kind by tag and digest, exact bytes, and every refusal. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { expectError, pathOf, rawRequest } from '../helpers/http.js';
import {
  EMPTY_JSON,
  MT,
  descriptorOf,
  digestOf,
  dockerManifest,
  getBytes,
  indexOf,
  looseJson,
  ociManifest,
  pushBlob,
  pushImage,
  putManifest,
  unknownDigest,
} from '../helpers/oci.js';
import type { App } from '../../src/http/app.js';

/** Build one manifest of each kind in `name`, pushing whatever it references. */
async function kinds(app: App, name: string): Promise<Array<{ kind: string; mediaType: string; body: string }>> {
  const amd = await pushImage(app, name, { docker: true, seed: 'amd64', platform: { os: 'linux', architecture: 'amd64' } });
  const arm = await pushImage(app, name, { seed: 'arm64', platform: { os: 'linux', architecture: 'arm64' } });
  await pushBlob(app, name, EMPTY_JSON);
  const payload = Buffer.from('signature payload');
  await pushBlob(app, name, payload);
  const artifact = ociManifest(descriptorOf(MT.ociEmpty, EMPTY_JSON), [descriptorOf('application/vnd.example.sig', payload)], {
    artifactType: 'application/vnd.example.sig.v1',
    annotations: { 'org.example.note': 'artifact' },
  });
  return [
    { kind: 'Docker schema2', mediaType: MT.dockerManifest, body: looseJson(dockerManifest(amd.config, amd.layers)) },
    { kind: 'Docker manifest list', mediaType: MT.dockerList, body: looseJson(indexOf(MT.dockerList, [amd.descriptor])) },
    { kind: 'OCI manifest', mediaType: MT.ociManifest, body: looseJson(ociManifest(arm.config, arm.layers)) },
    { kind: 'OCI index', mediaType: MT.ociIndex, body: looseJson(indexOf(MT.ociIndex, [amd.descriptor, arm.descriptor])) },
    { kind: 'OCI artifact', mediaType: MT.ociManifest, body: looseJson(artifact) },
  ];
}

for (const driver of ['memory', 'fs', 's3'] as const) {
  describe(`manifest PUT on ${driver}`, () => {
    let t: TestApp;
    let cases: Awaited<ReturnType<typeof kinds>>;
    before(async () => {
      t = await makeApp(driver);
      cases = await kinds(t.app, 'lib/m');
    });
    after(() => t.cleanup());

    for (const by of ['tag', 'digest'] as const) {
      it(`every kind by ${by} → 201, Location, digest of the exact bytes; GET returns identical bytes`, async () => {
        for (const [i, c] of cases.entries()) {
          const digest = digestOf(c.body);
          const ref = by === 'tag' ? `${by}-${i}` : digest;
          const res = await putManifest(t.app, 'lib/m', ref, c.body, c.mediaType);
          assert.equal(res.status, 201, `${c.kind}: ${res.text}`);
          assert.equal(res.headers['docker-content-digest'], digest, c.kind);
          assert.equal(pathOf(res.headers['location']), `/v2/lib/m/manifests/${digest}`, c.kind);
          const got = await getBytes(t.app, `/v2/lib/m/manifests/${ref}`, { Accept: c.mediaType });
          assert.equal(got.status, 200, c.kind);
          assert.equal(got.body.toString('utf8'), c.body, `${c.kind} bytes changed`);
          assert.equal(got.headers['content-type'], c.mediaType, c.kind);
          assert.equal(got.headers['docker-content-digest'], digest, c.kind);
        }
      });
    }

    it('a tag moves to the newest manifest pushed under it', async () => {
      const [a, , b] = cases;
      await putManifest(t.app, 'lib/m', 'moving', a!.body, a!.mediaType);
      await putManifest(t.app, 'lib/m', 'moving', b!.body, b!.mediaType);
      const got = await getBytes(t.app, '/v2/lib/m/manifests/moving');
      assert.equal(got.body.toString(), b!.body);
    });

    it('a PUT by a sha512 digest stores the manifest under that digest', async () => {
      const c = cases[2]!;
      const d = digestOf(c.body, 'sha512');
      const res = await putManifest(t.app, 'lib/m', d, c.body, c.mediaType);
      assert.equal(res.status, 201, res.text);
      assert.equal(res.headers['docker-content-digest'], d);
      assert.equal((await getBytes(t.app, `/v2/lib/m/manifests/${d}`)).body.toString(), c.body);
    });
  });
}

describe('manifest PUT refusals', () => {
  let t: TestApp;
  let img: Awaited<ReturnType<typeof pushImage>>;
  before(async () => {
    t = await makeApp('memory');
    img = await pushImage(t.app, 'bad', { seed: 'base' });
  });
  after(() => t.cleanup());

  async function assertNothingStored(body: string, tag: string): Promise<void> {
    expectError(await request(t.app).get(`/v2/bad/manifests/${tag}`), 404, 'MANIFEST_UNKNOWN');
    expectError(await request(t.app).get(`/v2/bad/manifests/${digestOf(body)}`), 404, 'MANIFEST_UNKNOWN');
  }

  it('a digest reference that does not match the body → 400 DIGEST_INVALID, nothing stored', async () => {
    const body = looseJson(ociManifest(img.config, img.layers, { annotations: { n: 'mismatch' } }));
    expectError(await putManifest(t.app, 'bad', unknownDigest('mismatch'), body, MT.ociManifest), 400, 'DIGEST_INVALID');
    await assertNothingStored(body, 'none');
  });

  const missing = [
    ['a missing config', () => ociManifest(descriptorOf(MT.ociConfig, 'absent config'), img.layers)],
    ['a missing layer', () => ociManifest(img.config, [...img.layers, descriptorOf(MT.ociLayer, 'absent layer')])],
    ['a missing Docker layer', () => dockerManifest(img.config, [descriptorOf(MT.dockerLayer, 'absent docker layer')])],
    ['a missing child manifest', () => indexOf(MT.ociIndex, [img.descriptor, descriptorOf(MT.ociManifest, '{"absent":1}')])],
  ] as const;
  for (const [what, build] of missing) {
    it(`${what} → 400 MANIFEST_BLOB_UNKNOWN, nothing stored`, async () => {
      const doc = build();
      const body = looseJson(doc);
      expectError(await putManifest(t.app, 'bad', 'missing', body, doc['mediaType'] as string), 400, 'MANIFEST_BLOB_UNKNOWN');
      await assertNothingStored(body, 'missing');
    });
  }

  it('a blob held only by another repository counts as missing', async () => {
    const elsewhere = await pushImage(t.app, 'elsewhere', { seed: 'elsewhere' });
    const body = looseJson(ociManifest(elsewhere.config, elsewhere.layers));
    expectError(await putManifest(t.app, 'bad', 'x', body, MT.ociManifest), 400, 'MANIFEST_BLOB_UNKNOWN');
  });

  it('a child manifest held only by another repository counts as missing', async () => {
    const elsewhere = await pushImage(t.app, 'elsewhere', { seed: 'child elsewhere' });
    const body = looseJson(indexOf(MT.ociIndex, [elsewhere.descriptor]));
    expectError(await putManifest(t.app, 'bad', 'x', body, MT.ociIndex), 400, 'MANIFEST_BLOB_UNKNOWN');
  });

  const invalid: Array<[string, () => string, string]> = [
    ['invalid JSON', () => '{"schemaVersion": 2,', MT.ociManifest],
    ['a JSON array', () => '[]', MT.ociManifest],
    [
      'schemaVersion 1 (signed schema1 type)',
      () => JSON.stringify({ schemaVersion: 1, name: 'bad', tag: 'x', fsLayers: [] }),
      MT.dockerSchema1,
    ],
    [
      'schemaVersion 1 sent as JSON',
      () => JSON.stringify({ schemaVersion: 1, name: 'bad', fsLayers: [], history: [] }),
      'application/json',
    ],
    ['schemaVersion as a string', () => JSON.stringify({ ...ociManifest(img.config, img.layers), schemaVersion: '2' }), MT.ociManifest],
    ['layers not an array', () => JSON.stringify({ ...ociManifest(img.config, []), layers: {} }), MT.ociManifest],
    ['config not an object', () => JSON.stringify(ociManifest(img.config, img.layers, { config: 'x' })), MT.ociManifest],
    [
      'a size that is a string',
      () => JSON.stringify(ociManifest({ ...img.config, size: '3' as unknown as number }, img.layers)),
      MT.ociManifest,
    ],
    ['a negative size', () => JSON.stringify(ociManifest({ ...img.config, size: -1 }, img.layers)), MT.ociManifest],
    [
      'a malformed descriptor digest',
      () => JSON.stringify(ociManifest({ ...img.config, digest: 'sha256:zz' }, img.layers)),
      MT.ociManifest,
    ],
    ['mediaType a number', () => JSON.stringify({ ...ociManifest(img.config, img.layers), mediaType: 7 }), MT.ociManifest],
    [
      'annotations with a number value',
      () => JSON.stringify(ociManifest(img.config, img.layers, { annotations: { a: 1 } })),
      MT.ociManifest,
    ],
    ['artifactType not a string', () => JSON.stringify(ociManifest(img.config, img.layers, { artifactType: 5 })), MT.ociManifest],
    ['subject not a descriptor', () => JSON.stringify(ociManifest(img.config, img.layers, { subject: 'sha256:abc' })), MT.ociManifest],
    ['index manifests not an array', () => JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: 'x' }), MT.ociIndex],
    ['Content-Type ≠ mediaType', () => JSON.stringify(ociManifest(img.config, img.layers)), MT.dockerManifest],
    ['Content-Type an index for an image', () => JSON.stringify(ociManifest(img.config, img.layers)), MT.ociIndex],
    ['an unsupported media type', () => JSON.stringify({ ...ociManifest(img.config, img.layers), mediaType: 'text/html' }), 'text/html'],
  ];
  for (const [what, build, contentType] of invalid) {
    it(`${what} → 400 MANIFEST_INVALID, nothing stored`, async () => {
      const body = build();
      expectError(await putManifest(t.app, 'bad', 'invalid', body, contentType), 400, 'MANIFEST_INVALID');
      await assertNothingStored(body, 'invalid');
    });
  }

  it('a body over 4 MiB → 413 (declared length and streamed) and nothing stored', async () => {
    const body = JSON.stringify(ociManifest(img.config, img.layers, { annotations: { pad: 'x'.repeat(4 * 1024 * 1024) } }));
    const res = await putManifest(t.app, 'huge', 'big', body, MT.ociManifest);
    assert.equal(res.status, 413);
    assert.equal(res.body.errors?.[0]?.code, 'SIZE_INVALID');
    expectError(await request(t.app).get('/v2/huge/tags/list'), 404, 'NAME_UNKNOWN');
    expectError(await request(t.app).get(`/v2/huge/manifests/${digestOf(body)}`), 404, 'MANIFEST_UNKNOWN');
  });

  it('a body over 4 MiB sent without Content-Length (chunked) → 413 and nothing stored', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const chunks = [Buffer.from(img.body), chunk, chunk, chunk, chunk, Buffer.from(' ')];
    const res = await rawRequest(t.app, 'PUT', '/v2/huge/manifests/chunked', { 'Content-Type': MT.ociManifest }, chunks);
    assert.equal(res.status, 413);
    assert.equal(res.headers['transfer-encoding'], undefined);
    assert.equal(JSON.parse(res.body.toString()).errors[0].code, 'SIZE_INVALID');
    expectError(await request(t.app).get('/v2/huge/manifests/chunked'), 404, 'MANIFEST_UNKNOWN');
  });

  it('a body of exactly the configured maximum is accepted, one byte more is 413', async () => {
    const small = await makeApp('memory', { validation: { manifests: { maxsize: 2048 } } });
    try {
      const i = await pushImage(small.app, 'r', { seed: 'limit' });
      const base = JSON.stringify(ociManifest(i.config, i.layers, { annotations: { pad: '' } }));
      const exact = base.replace('"pad":""', `"pad":"${'y'.repeat(2048 - base.length)}"`);
      assert.equal(exact.length, 2048);
      assert.equal((await putManifest(small.app, 'r', 'exact', exact, MT.ociManifest)).status, 201);
      const over = exact.replace('"pad":"', '"pad":"y');
      assert.equal((await putManifest(small.app, 'r', 'over', over, MT.ociManifest)).status, 413);
      expectError(await request(small.app).get('/v2/r/manifests/over'), 404, 'MANIFEST_UNKNOWN');
    } finally {
      await small.cleanup();
    }
  });

  it('a manifest with a subject answers OCI-Subject; one without does not', async () => {
    const plain = await putManifest(t.app, 'bad', 'plain', img.body, MT.ociManifest);
    assert.equal(plain.status, 201);
    assert.equal(plain.headers['oci-subject'], undefined);
    const body = looseJson(ociManifest(img.config, img.layers, { subject: img.descriptor, artifactType: 'application/x.test' }));
    const res = await putManifest(t.app, 'bad', digestOf(body), body, MT.ociManifest);
    assert.equal(res.status, 201);
    assert.equal(res.headers['oci-subject'], img.digest);
  });

  it('a manifest without mediaType is typed by its Content-Type', async () => {
    const { mediaType: _drop, ...doc } = ociManifest(img.config, img.layers, { annotations: { t: 'untyped' } });
    const body = JSON.stringify(doc);
    assert.equal((await putManifest(t.app, 'bad', 'untyped', body, MT.ociManifest)).status, 201);
    assert.equal((await request(t.app).head('/v2/bad/manifests/untyped')).headers['content-type'], MT.ociManifest);
  });
});
