/**
 * Anonymous mount: `POST /v2/<name>/blobs/uploads/?mount=<digest>` without `from` mounts (201)
 * when the blob is stored and a repository the caller may pull links it, and otherwise starts
 * a session (202). What the caller may pull comes from the access controller: everything
 * without auth or with htpasswd, the token's granted repositories with tokens. It never
 * reveals a blob held only where the caller cannot read.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { basic, bearer, fetchToken, hash, makePki, tokenAuthConfig, type Pki } from '../helpers/auth.js';
import { expectError, pathOf } from '../helpers/http.js';
import { digestOf, getBytes, pushBlob, unknownDigest } from '../helpers/oci.js';
import type { App } from '../../src/http/app.js';

/** POST an anonymous mount of `digest` into `name` with optional headers. */
const mount = (app: App, name: string, digest: string, headers: Record<string, string> = {}) =>
  request(app).post(`/v2/${name}/blobs/uploads/?mount=${digest}`).set(headers);

/** A 201 mount: Location and digest, and the target now serves the bytes. */
async function assertMounted(app: App, res: request.Response, name: string, digest: string, data: Buffer, headers = {}) {
  assert.equal(res.status, 201, res.text);
  assert.equal(pathOf(res.headers['location']), `/v2/${name}/blobs/${digest}`);
  assert.equal(res.headers['docker-content-digest'], digest);
  const got = await getBytes(app, `/v2/${name}/blobs/${digest}`, headers);
  assert.equal(got.status, 200);
  assert.deepEqual(got.body, data);
}

/** A 202 fallback: a fresh upload session, and the target still does not have the blob. */
async function assertSession(app: App, res: request.Response, name: string, digest: string, headers = {}) {
  assert.equal(res.status, 202, res.text);
  assert.match(pathOf(res.headers['location']), new RegExp(`^/v2/${name}/blobs/uploads/[0-9a-f-]{36}$`));
  assert.ok(res.headers['docker-upload-uuid']);
  expectError(await request(app).head(`/v2/${name}/blobs/${digest}`).set(headers), 404, 'BLOB_UNKNOWN', { head: true });
}

for (const driver of ['memory', 'fs', 's3'] as const) {
  describe(`anonymous mount without auth on ${driver}`, () => {
    let t: TestApp;
    before(async () => (t = await makeApp(driver)));
    after(() => t.cleanup());

    it('a blob another repository holds → 201, announced with the repository it came from', async () => {
      const data = Buffer.from(`mounted without from on ${driver}`);
      const digest = await pushBlob(t.app, 'anon/source', data);
      const events: Array<{ repository: string; from?: string }> = [];
      const off = t.registry.events.on('blob.mounted', (e) => void events.push(e.data));
      try {
        await assertMounted(t.app, await mount(t.app, 'anon/target', digest), 'anon/target', digest, data);
      } finally {
        off();
      }
      assert.deepEqual(
        events.map((e) => [e.repository, e.from]),
        [['anon/target', 'anon/source']],
      );
    });

    it('a blob the target already holds → 201 without a second link event', async () => {
      const data = Buffer.from('already here');
      const digest = await pushBlob(t.app, 'anon/self', data);
      await assertMounted(t.app, await mount(t.app, 'anon/self', digest), 'anon/self', digest, data);
    });

    it('an unknown blob, or one no repository links any more → 202 and a new session', async () => {
      await assertSession(t.app, await mount(t.app, 'anon/miss', unknownDigest('anon')), 'anon/miss', unknownDigest('anon'));
      const data = Buffer.from('stored, then unlinked everywhere');
      const digest = await pushBlob(t.app, 'anon/unlinked', data);
      assert.equal((await request(t.app).delete(`/v2/anon/unlinked/blobs/${digest}`)).status, 202);
      await assertSession(t.app, await mount(t.app, 'anon/miss', digest), 'anon/miss', digest);
    });

    it('a malformed mount digest → 400 DIGEST_INVALID', async () => {
      expectError(await mount(t.app, 'anon/bad', 'sha256:nothex'), 400, 'DIGEST_INVALID');
    });
  });
}

describe('anonymous mount looks at a bounded number of repositories', () => {
  let t: TestApp;
  before(async () => (t = await makeApp('memory')));
  after(() => t.cleanup());

  it('found among the first 256 repositories → 201; only in the 300th → 202', async () => {
    const early = Buffer.from('in an early repository');
    const late = Buffer.from('only in the last repository');
    for (let i = 0; i < 300; i++) {
      const name = `walk/r${String(i).padStart(3, '0')}`;
      await pushBlob(t.app, name, i === 10 ? early : i === 299 ? late : `filler ${i}`);
    }
    await assertMounted(t.app, await mount(t.app, 'walk/target', digestOf(early)), 'walk/target', digestOf(early), early);
    await assertSession(t.app, await mount(t.app, 'walk/target', digestOf(late)), 'walk/target', digestOf(late));
  });
});

describe('anonymous mount with htpasswd', () => {
  let t: TestApp;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-htpasswd-'));
    const file = join(dir, 'htpasswd');
    await writeFile(file, `carol:${hash('carol-secret')}\n`);
    t = await makeApp('memory', { auth: { htpasswd: { realm: 'test', path: file } } });
  });
  after(async () => {
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('any signed-in user may pull everything, so a blob of any repository mounts', async () => {
    const auth = { Authorization: basic('carol', 'carol-secret') };
    const data = Buffer.from('behind htpasswd');
    const digest = digestOf(data);
    const pushed = await request(t.app)
      .post(`/v2/team/a/blobs/uploads/?digest=${digest}`)
      .set(auth)
      .set('Content-Type', 'application/octet-stream')
      .send(data);
    assert.equal(pushed.status, 201);
    await assertMounted(t.app, await mount(t.app, 'team/b', digest, auth), 'team/b', digest, data, auth);
    assert.equal((await mount(t.app, 'team/c', digest)).status, 401, 'no credentials, no mount');
  });
});

describe('anonymous mount with tokens: what the token grants', () => {
  let pki: Pki;
  let t: TestApp;
  const secret = Buffer.from('held only where alice may not read');
  const shared = Buffer.from('held in dev/other, which alice may read');
  before(async () => {
    pki = await makePki();
    t = await makeApp('memory', { auth: tokenAuthConfig(pki) });
    const admin = await fetchToken(t.app, ['repository:secret/app:pull,push', 'repository:dev/other:pull,push'], 'admin');
    for (const [name, data] of [
      ['secret/app', secret],
      ['dev/other', shared],
    ] as const) {
      const res = await request(t.app)
        .post(`/v2/${name}/blobs/uploads/?digest=${digestOf(data)}`)
        .set('Authorization', bearer(admin.token))
        .set('Content-Type', 'application/octet-stream')
        .send(data);
      assert.equal(res.status, 201, res.text);
    }
  });
  after(async () => {
    await t.cleanup();
    await pki.cleanup();
  });

  it('a blob held only in a repository the caller may not pull → 202: never revealed, even if the token asked for it', async () => {
    const token = await fetchToken(t.app, ['repository:dev/app:pull,push', 'repository:secret/app:pull'], 'alice');
    assert.doesNotMatch(JSON.stringify(token.scope), /secret/);
    const auth = { Authorization: bearer(token.token) };
    await assertSession(t.app, await mount(t.app, 'dev/app', digestOf(secret), auth), 'dev/app', digestOf(secret), auth);
  });

  it('a blob in a repository the token grants pull on → 201', async () => {
    const token = await fetchToken(t.app, ['repository:dev/app:pull,push', 'repository:dev/other:pull'], 'alice');
    const auth = { Authorization: bearer(token.token) };
    await assertMounted(t.app, await mount(t.app, 'dev/app', digestOf(shared), auth), 'dev/app', digestOf(shared), shared, auth);
  });

  it('a token that does not list the holding repository → 202, though its user could have asked for it', async () => {
    const token = await fetchToken(t.app, ['repository:dev/third:pull,push'], 'alice');
    const auth = { Authorization: bearer(token.token) };
    await assertSession(t.app, await mount(t.app, 'dev/third', digestOf(shared), auth), 'dev/third', digestOf(shared), auth);
  });

  it('the mount needs pull and push on the target only (no scope for a `from`)', async () => {
    const res = await mount(t.app, 'dev/app', digestOf(shared));
    expectError(res, 401, 'UNAUTHORIZED');
    assert.ok(String(res.headers['www-authenticate']).endsWith('scope="repository:dev/app:pull,push"'));
  });
});
