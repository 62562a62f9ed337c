/** Repository name, tag and digest grammars at the HTTP edge, and path traversal on disk. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { App } from '../../src/http/app.js';
import request from 'supertest';
import { appAt, filesUnder } from '../helpers/app-at.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { expectError } from '../helpers/http.js';
import { MT, digestOf, pushImage, pushManifest, putManifest, unknownDigest } from '../helpers/oci.js';

const D = digestOf('names');
const BAD_NAMES = [
  'Upper',
  'lib/Upper',
  'a//b',
  '-a',
  'a-',
  'a..b',
  'a/.b',
  '.a',
  '_a',
  'a/',
  'x'.repeat(256),
  `${'a/'.repeat(127)}bb`, // 256 characters made of valid components
  '%2e%2e',
  '%2E%2E/etc',
  'a/%2e%2e/b',
  'a%2fb',
  '..',
  '../etc',
  'a/../b',
  '../../../../tmp',
  'a/./b',
  'a b',
  'a%00b',
];

/** Every route that takes a name, for `name`: [method, path]. */
function routesFor(name: string): Array<[string, string]> {
  return [
    ['get', `/v2/${name}/tags/list`],
    ['get', `/v2/${name}/manifests/latest`],
    ['put', `/v2/${name}/manifests/latest`],
    ['delete', `/v2/${name}/manifests/${D}`],
    ['get', `/v2/${name}/blobs/${D}`],
    ['delete', `/v2/${name}/blobs/${D}`],
    ['post', `/v2/${name}/blobs/uploads/`],
    ['post', `/v2/${name}/blobs/uploads/?digest=${D}`],
    ['get', `/v2/${name}/blobs/uploads/3f1a4c1e-0000-4000-8000-000000000000`],
    ['get', `/v2/${name}/referrers/${D}`],
  ];
}

async function send(app: App, method: string, path: string) {
  const req = request(app)[method as 'get'](path);
  return method === 'put' || method === 'post' ? req.set('Content-Type', MT.ociManifest).send('{"schemaVersion":2}') : req;
}

describe('invalid repository names', () => {
  let t: TestApp;
  before(async () => (t = await makeApp('memory')));
  after(() => t.cleanup());

  for (const name of BAD_NAMES) {
    it(`${name.length > 40 ? `${name.slice(0, 20)}…(${name.length} chars)` : name} → 400 NAME_INVALID on every route`, async () => {
      for (const [method, path] of routesFor(name)) {
        const res = await send(t.app, method, path);
        assert.equal(res.status, 400, `${method} ${path}: ${res.text}`);
        expectError(res, 400, 'NAME_INVALID');
      }
    });
  }

  it('a name of exactly 255 characters is valid', async () => {
    const name = `${'a/'.repeat(126)}bbb`;
    assert.equal(name.length, 255);
    await pushImage(t.app, name, { ref: 'v1' });
    const res = await request(t.app).get(`/v2/${name}/tags/list`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.tags, ['v1']);
  });

  it('valid names with separators are accepted', async () => {
    for (const name of ['a', 'a0/b1', 'a.b/c_d/e__f/g-h/i---j', '0']) {
      expectError(await request(t.app).get(`/v2/${name}/tags/list`), 404, 'NAME_UNKNOWN');
    }
  });

  it('paths that match no route are a 404 envelope', async () => {
    for (const path of ['/v2//tags/list', '/v2/tags/list', '/v2/a/manifests/', '/v2/a/blobs/']) {
      const res = await request(t.app).get(path);
      assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
      if (res.status === 400) expectError(res, 400, 'NAME_INVALID');
      else assert.ok(Array.isArray(res.body.errors), path);
    }
  });
});

describe('tags and digests', () => {
  let t: TestApp;
  let body: string;
  before(async () => {
    t = await makeApp('memory');
    body = (await pushImage(t.app, 'refs', { seed: 'refs' })).body;
  });
  after(() => t.cleanup());

  for (const tag of ['x'.repeat(129), '.lead', '-lead', 'a+b', 'tag!', '..']) {
    it(`tag ${tag.length > 20 ? `(${tag.length} chars)` : tag} → 400 TAG_INVALID on PUT, GET and DELETE`, async () => {
      expectError(await putManifest(t.app, 'refs', tag, body, MT.ociManifest), 400, 'TAG_INVALID');
      expectError(await request(t.app).get(`/v2/refs/manifests/${tag}`), 400, 'TAG_INVALID');
      expectError(await request(t.app).delete(`/v2/refs/manifests/${tag}`), 400, 'TAG_INVALID');
    });
  }

  it('tags of 128 characters and starting with _ or a digit are valid', async () => {
    for (const tag of ['x'.repeat(128), '_x', '9', 'A.b-C_d']) {
      await pushManifest(t.app, 'refs', tag, body, MT.ociManifest);
      assert.equal((await request(t.app).get(`/v2/refs/manifests/${tag}`)).status, 200, tag);
    }
  });

  const BAD_DIGESTS = [
    `md5:${'a'.repeat(32)}`,
    `sha1:${'a'.repeat(40)}`,
    `sha256:${'a'.repeat(63)}`,
    `sha256:${'a'.repeat(65)}`,
    `sha512:${'a'.repeat(64)}`,
    `sha256:${'A'.repeat(64)}`,
    `sha256:`,
    `:${'a'.repeat(64)}`,
    'sha256:..',
  ];
  for (const bad of BAD_DIGESTS) {
    it(`digest ${bad.slice(0, 14)}… (${bad.length}) → 400 DIGEST_INVALID everywhere a digest goes`, async () => {
      expectError(await request(t.app).get(`/v2/refs/blobs/${bad}`), 400, 'DIGEST_INVALID');
      expectError(await request(t.app).get(`/v2/refs/manifests/${bad}`), 400, 'DIGEST_INVALID');
      expectError(await putManifest(t.app, 'refs', bad, body, MT.ociManifest), 400, 'DIGEST_INVALID');
      expectError(await request(t.app).get(`/v2/refs/referrers/${bad}`), 400, 'DIGEST_INVALID');
      const q = encodeURIComponent(bad);
      expectError(await request(t.app).post(`/v2/refs/blobs/uploads/?digest=${q}`).send(Buffer.from('x')), 400, 'DIGEST_INVALID');
      expectError(await request(t.app).post(`/v2/refs/blobs/uploads/?mount=${q}&from=refs`), 400, 'DIGEST_INVALID');
      const start = await request(t.app).post('/v2/refs/blobs/uploads/');
      expectError(await request(t.app).put(`${new URL(start.headers['location']!).pathname}?digest=${q}`), 400, 'DIGEST_INVALID');
    });
  }
});

describe('nothing outside the storage root is touched', () => {
  let outer: string;
  let root: string;
  let app: App;
  before(async () => {
    outer = await mkdtemp(join(tmpdir(), 'berth-jail-'));
    root = join(outer, 'root');
    await mkdir(root);
    app = appAt(root);
  });
  after(() => rm(outer, { recursive: true, force: true }));

  it('traversal attempts through every writing route leave the root empty and its parent unchanged', async () => {
    const data = Buffer.from('escape attempt');
    const d = digestOf(data);
    const names = [
      '..',
      '../..',
      '../escape',
      'a/../../escape',
      '%2e%2e/escape',
      '%2e%2e%2fescape',
      'a/%2e%2e/%2e%2e/escape',
      '..%2f..%2fescape',
    ];
    for (const name of names) {
      for (const path of [`/v2/${name}/blobs/uploads/?digest=${d}`, `/v2/${name}/blobs/uploads/`]) {
        const res = await request(app).post(path).set('Content-Type', 'application/octet-stream').send(data);
        assert.ok(res.status === 400 || res.status === 404, `${path}: ${res.status}`);
      }
      const put = await putManifest(app, name, 'latest', '{"schemaVersion":2}', MT.ociManifest);
      assert.ok(put.status === 400 || put.status === 404, `${name}: ${put.status}`);
    }
    for (const tag of ['..', '%2e%2e', '..%2f..%2fescape']) {
      const res = await putManifest(app, 'ok', tag, '{"schemaVersion":2}', MT.ociManifest);
      assert.ok(res.status === 400 || res.status === 404, `${tag}: ${res.status}`);
    }
    for (const id of ['..', '%2e%2e', '..%2f..%2fescape']) {
      const res = await request(app).patch(`/v2/ok/blobs/uploads/${id}`).set('Content-Type', 'application/octet-stream').send(data);
      expectError(res, 404, 'BLOB_UPLOAD_UNKNOWN');
    }
    assert.deepEqual(await readdir(outer), ['root']);
    assert.deepEqual(await filesUnder(root), []);
  });

  it('traversal attempts through reading routes find nothing', async () => {
    await pushManifest(app, 'ok', 'v1', (await pushImage(app, 'ok', { seed: 'jail' })).body, MT.ociManifest);
    for (const path of [
      '/v2/../ok/tags/list',
      '/v2/ok/../ok/tags/list',
      `/v2/%2e%2e/ok/manifests/v1`,
      `/v2/ok/blobs/${unknownDigest()}/..`,
    ]) {
      const res = await request(app).get(path);
      assert.ok(res.status === 400 || res.status === 404, `${path}: ${res.status}`);
    }
    assert.deepEqual(await readdir(outer), ['root']);
  });
});
