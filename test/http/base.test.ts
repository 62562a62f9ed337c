/** The base endpoint, the API version header everywhere, the error envelope, unknown routes and methods. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { API_VERSION, expectError } from '../helpers/http.js';
import { digestOf, pushImage } from '../helpers/oci.js';

describe('base endpoint and pipeline', () => {
  let t: TestApp;
  before(async () => (t = await makeApp('memory')));
  after(() => t.cleanup());

  it('GET /v2/ answers 200 with a JSON body and the API version header', async () => {
    const res = await request(t.app).get('/v2/');
    assert.equal(res.status, 200);
    assert.equal(res.headers['docker-distribution-api-version'], API_VERSION);
    assert.match(res.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(res.body, {});
  });

  it('GET /v2 (no trailing slash) and HEAD /v2/ answer 200', async () => {
    assert.equal((await request(t.app).get('/v2')).status, 200);
    const head = await request(t.app).head('/v2/');
    assert.equal(head.status, 200);
    assert.equal(head.headers['docker-distribution-api-version'], API_VERSION);
  });

  it('every response carries a request id, echoing one the client sent', async () => {
    const mine = await request(t.app).get('/v2/').set('X-Request-Id', 'abc-123');
    assert.equal(mine.headers['x-request-id'], 'abc-123');
    const a = await request(t.app).get('/v2/');
    const b = await request(t.app).get('/v2/');
    assert.ok(a.headers['x-request-id']);
    assert.notEqual(a.headers['x-request-id'], b.headers['x-request-id']);
  });

  it('does not leak X-Powered-By', async () => {
    assert.equal((await request(t.app).get('/v2/')).headers['x-powered-by'], undefined);
  });
});

describe('unknown routes', () => {
  let t: TestApp;
  before(async () => (t = await makeApp('memory')));
  after(() => t.cleanup());

  for (const path of ['/v2/foo/bar/baz', '/v2/foo/nothing/here', '/v2/_unknown', '/v2/foo/blobs', '/v2/foo/manifests/']) {
    it(`GET ${path} → 404 in the error envelope`, async () => {
      const res = await request(t.app).get(path);
      assert.equal(res.status, 404);
      assert.equal(res.headers['docker-distribution-api-version'], API_VERSION);
      assert.match(res.headers['content-type'] ?? '', /^application\/json/);
      assert.ok(Array.isArray(res.body.errors) && res.body.errors.length === 1);
      assert.equal(typeof res.body.errors[0].code, 'string');
      assert.equal(typeof res.body.errors[0].message, 'string');
    });
  }

  it('a path outside /v2 is also a 404 envelope with the version header', async () => {
    const res = await request(t.app).get('/v1/_ping');
    assert.equal(res.status, 404);
    assert.equal(res.headers['docker-distribution-api-version'], API_VERSION);
    assert.ok(Array.isArray(res.body.errors));
    assert.equal((await request(t.app).get('/')).status, 404);
  });

  it('the error envelope holds only code, message and optional detail', async () => {
    const res = await request(t.app).get(`/v2/foo/blobs/${digestOf('x')}`);
    expectError(res, 404, 'BLOB_UNKNOWN');
    for (const key of Object.keys(res.body.errors[0])) assert.ok(['code', 'message', 'detail'].includes(key), key);
    assert.deepEqual(Object.keys(res.body), ['errors']);
  });
});

describe('unknown methods on known routes → 405 UNSUPPORTED', () => {
  let t: TestApp;
  const d = digestOf('method test');
  before(async () => (t = await makeApp('memory')));
  after(() => t.cleanup());

  const cases: Array<[string, string, string]> = [
    ['put', '/v2/', 'GET'],
    ['delete', '/v2/_catalog', 'GET'],
    ['post', '/v2/foo/tags/list', 'GET'],
    ['post', '/v2/foo/manifests/latest', 'PUT'],
    ['patch', '/v2/foo/manifests/latest', 'GET'],
    ['put', `/v2/foo/blobs/${d}`, 'DELETE'],
    ['patch', `/v2/foo/blobs/${d}`, 'GET'],
    ['get', '/v2/foo/blobs/uploads/', 'POST'],
    ['delete', '/v2/foo/blobs/uploads/', 'POST'],
    ['post', '/v2/foo/blobs/uploads/3f1a4c1e-0000-4000-8000-000000000000', 'PATCH'],
    ['delete', `/v2/foo/referrers/${d}`, 'GET'],
  ];
  for (const [method, path, allowed] of cases) {
    it(`${method.toUpperCase()} ${path}`, async () => {
      const res = await request(t.app)[method as 'get'](path);
      expectError(res, 405, 'UNSUPPORTED');
      assert.ok((res.headers['allow'] ?? '').split(', ').includes(allowed), `Allow: ${res.headers['allow']}`);
    });
  }

  it('a 405 does not run the handler (nothing is stored by POST on a manifest)', async () => {
    await pushImage(t.app, 'kept', { ref: 'v1' });
    await request(t.app).post('/v2/kept/manifests/v1').send('{}');
    assert.equal((await request(t.app).get('/v2/kept/tags/list')).body.tags.length, 1);
  });
});

describe('errors on HEAD', () => {
  let t: TestApp;
  before(async () => (t = await makeApp('memory')));
  after(() => t.cleanup());

  it('HEAD of an unknown manifest is 404 with the version header and no body', async () => {
    const res = await request(t.app).head('/v2/foo/manifests/nope');
    expectError(res, 404, 'MANIFEST_UNKNOWN', { head: true });
    assert.ok(!res.text);
  });
});
