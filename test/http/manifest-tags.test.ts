/** Several tags in one manifest PUT (`?tag=a&tag=b`, distribution-spec v1.1): sha256 and sha512, all or nothing. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { asIs, expectError } from '../helpers/http.js';
import { MT, digestOf, getBytes, looseJson, ociManifest, pushImage } from '../helpers/oci.js';
import type { App } from '../../src/http/app.js';

/** PUT `body` by digest with `?tag=` for each of `tags` (raw query, so odd values arrive as sent). */
function putTagged(app: App, name: string, digest: string, body: string, tags: string[]) {
  const q = tags.map((t) => `tag=${encodeURIComponent(t)}`).join('&');
  return request(app)
    .put(`/v2/${name}/manifests/${digest}?${q}`)
    .set('Content-Type', MT.ociManifest)
    .serialize(asIs)
    .send(Buffer.from(body));
}

/** The tags an `OCI-Tag` answer lists (one header per tag, or several in one, comma separated). */
const ociTags = (header: string | undefined): string[] =>
  (header ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

async function tagsOf(app: App, name: string): Promise<string[]> {
  const res = await request(app).get(`/v2/${name}/tags/list`);
  return res.status === 200 ? (res.body.tags as string[]) : [];
}

for (const driver of ['memory', 'fs', 's3'] as const) {
  describe(`manifest PUT with several tags on ${driver}`, () => {
    let t: TestApp;
    let body: string;
    before(async () => {
      t = await makeApp(driver);
      const img = await pushImage(t.app, 'multi/tag', { seed: 'multi' });
      body = looseJson(ociManifest(img.config, img.layers, { annotations: { note: 'several tags' } }));
    });
    after(() => t.cleanup());

    for (const alg of ['sha256', 'sha512'] as const) {
      it(`${alg}: PUT by digest ?tag=a&tag=b&tag=c → 201, every tag in OCI-Tag, each tag serves the manifest`, async () => {
        const digest = digestOf(body, alg);
        const tags = [`${alg}-1.2.3`, `${alg}-1.2`, `${alg}-latest`];
        const res = await putTagged(t.app, 'multi/tag', digest, body, tags);
        assert.equal(res.status, 201, res.text);
        assert.equal(res.headers['docker-content-digest'], digest);
        assert.deepEqual(ociTags(res.headers['oci-tag']).sort(), [...tags].sort());
        for (const tag of tags) {
          const got = await getBytes(t.app, `/v2/multi/tag/manifests/${tag}`, { Accept: MT.ociManifest });
          assert.equal(got.status, 200, `${tag}: ${got.status}`);
          assert.equal(got.headers['docker-content-digest'], digest, tag);
          assert.equal((got.body as Buffer).toString(), body, tag);
          const head = await request(t.app).head(`/v2/multi/tag/manifests/${tag}`).set('Accept', MT.ociManifest);
          assert.equal(head.headers['docker-content-digest'], digest, tag);
        }
        const listed = await tagsOf(t.app, 'multi/tag');
        for (const tag of tags) assert.ok(listed.includes(tag), `${tag} not in ${listed.join(',')}`);
      });
    }

    it('a repeated tag is set once; a tag reference plus ?tag= sets both', async () => {
      const digest = digestOf(body);
      const dup = await putTagged(t.app, 'multi/tag', digest, body, ['same', 'same']);
      assert.equal(dup.status, 201, dup.text);
      assert.deepEqual(ociTags(dup.headers['oci-tag']), ['same']);
      const byTag = await request(t.app)
        .put('/v2/multi/tag/manifests/path-tag?tag=query-tag')
        .set('Content-Type', MT.ociManifest)
        .serialize(asIs)
        .send(Buffer.from(body));
      assert.equal(byTag.status, 201, byTag.text);
      assert.deepEqual(ociTags(byTag.headers['oci-tag']).sort(), ['path-tag', 'query-tag']);
      for (const tag of ['path-tag', 'query-tag']) {
        assert.equal((await request(t.app).head(`/v2/multi/tag/manifests/${tag}`)).headers['docker-content-digest'], digest);
      }
    });

    it('one bad tag among good ones → 400 TAG_INVALID, and nothing is stored or tagged', async () => {
      const other = looseJson(ociManifest((await pushImage(t.app, 'multi/bad', { seed: 'bad' })).config, [], { annotations: { x: 'y' } }));
      const digest = digestOf(other);
      const before = await tagsOf(t.app, 'multi/bad');
      for (const bad of ['-starts-with-dash', 'has space', 'x'.repeat(129), '', 'a/b']) {
        const res = await putTagged(t.app, 'multi/bad', digest, other, ['good-1', bad, 'good-2']);
        expectError(res, 400, 'TAG_INVALID');
      }
      assert.deepEqual(await tagsOf(t.app, 'multi/bad'), before);
      expectError(await request(t.app).get(`/v2/multi/bad/manifests/${digest}`), 404, 'MANIFEST_UNKNOWN');
      expectError(await request(t.app).get('/v2/multi/bad/manifests/good-1'), 404, 'MANIFEST_UNKNOWN');
    });

    // The limit is the HTTP layer's; 100 tags are 200 writes, slow on s3rver and the same there.
    if (driver !== 's3')
      it('more than 100 tags → 414 TAG_INVALID and nothing is tagged', async () => {
        const tags = Array.from({ length: 101 }, (_, i) => `many-${i}`);
        expectError(await putTagged(t.app, 'multi/tag', digestOf(body), body, tags), 414, 'TAG_INVALID');
        assert.ok(!(await tagsOf(t.app, 'multi/tag')).includes('many-0'));
        const hundred = await putTagged(t.app, 'multi/tag', digestOf(body), body, tags.slice(0, 100));
        assert.equal(hundred.status, 201, hundred.text);
        assert.equal(ociTags(hundred.headers['oci-tag']).length, 100);
      });

    it('announces one manifest.pushed event listing every tag', async () => {
      const seen: string[][] = [];
      const off = t.registry.events.on('manifest.pushed', (e) => void seen.push(e.data.tags));
      try {
        const res = await putTagged(t.app, 'multi/tag', digestOf(body, 'sha512'), body, ['ev-1', 'ev-2']);
        assert.equal(res.status, 201);
      } finally {
        off();
      }
      assert.deepEqual(seen, [['ev-1', 'ev-2']]);
    });
  });
}
