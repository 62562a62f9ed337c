/** Tags list and catalog: lexical order, n/last pagination with Link, limits, unknown repositories. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { App } from '../../src/http/app.js';
import request from 'supertest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { expectError, pathOf } from '../helpers/http.js';
import { MT, pushBlob, pushImage, pushManifest } from '../helpers/oci.js';

/** Byte-wise order, as the spec's "lexical" means for pagination. */
const lexical = (xs: string[]): string[] => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Follow Link headers from `first`; every page's list and the Link of each. */
async function walk(app: App, first: string, key: 'tags' | 'repositories'): Promise<{ items: string[]; pages: string[][] }> {
  const pages: string[][] = [];
  let next: string | undefined = first;
  while (next !== undefined) {
    const res = await request(app).get(next);
    assert.equal(res.status, 200, res.text);
    // A Link is only sent when there is more: no page reached through one is empty.
    assert.ok(pages.length === 0 || res.body[key].length > 0, `empty page behind a Link: ${next}`);
    pages.push(res.body[key]);
    const link = res.headers['link'];
    if (link === undefined) break;
    const m = /^<([^>]+)>; rel="next"$/.exec(link);
    assert.ok(m, `malformed Link: ${link}`);
    next = m[1]!;
    assert.ok(pages.length < 50, 'pagination does not end');
  }
  return { items: pages.flat(), pages };
}

const TAGS = ['latest', 'v1.0', 'V2', '1.0', '10', '2', '_under', 'a-b', 'a.b', 'a_b', 'Zulu', 'zulu'];

for (const driver of ['memory', 'fs', 's3'] as const) {
  describe(`tags list on ${driver}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeApp(driver, { tags: { maxentries: 5 }, catalog: { maxentries: 5 } });
      const img = await pushImage(t.app, 'lib/tags', { seed: 'tags' });
      for (const tag of TAGS) await pushManifest(t.app, 'lib/tags', tag, img.body, MT.ociManifest);
    });
    after(() => t.cleanup());

    it('n at the maximum lists everything in lexical order across pages', async () => {
      const { items, pages } = await walk(t.app, '/v2/lib/tags/tags/list?n=5', 'tags');
      assert.deepEqual(items, lexical(TAGS));
      assert.deepEqual(
        pages.map((p) => p.length),
        [5, 5, 2],
      );
    });

    it('the Link header has the form </v2/<name>/tags/list?n=N&last=X>; rel="next"', async () => {
      const res = await request(t.app).get('/v2/lib/tags/tags/list?n=3');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { name: 'lib/tags', tags: lexical(TAGS).slice(0, 3) });
      assert.equal(res.headers['link'], `</v2/lib/tags/tags/list?n=3&last=${lexical(TAGS)[2]}>; rel="next"`);
    });

    for (const n of [1, 2, 4]) {
      it(`following Link with n=${n} gives the complete ordered list`, async () => {
        const { items, pages } = await walk(t.app, `/v2/lib/tags/tags/list?n=${n}`, 'tags');
        assert.deepEqual(items, lexical(TAGS));
        assert.ok(pages.every((p) => p.length <= n));
      });
    }

    it('without n, answers the configured maximum and a Link', async () => {
      const res = await request(t.app).get('/v2/lib/tags/tags/list');
      assert.deepEqual(res.body.tags, lexical(TAGS).slice(0, 5));
      assert.ok(res.headers['link']?.includes('n=5'));
    });

    it('last= starts strictly after the given tag, also when it is not a tag', async () => {
      const all = lexical(TAGS);
      const after1 = await request(t.app).get(`/v2/lib/tags/tags/list?n=5&last=${all[3]}`);
      assert.deepEqual(after1.body.tags, all.slice(4, 9));
      const between = await request(t.app).get('/v2/lib/tags/tags/list?n=5&last=b');
      assert.deepEqual(between.body.tags, all.filter((x) => x > 'b').slice(0, 5));
      const end = await request(t.app).get('/v2/lib/tags/tags/list?n=5&last=zzz');
      assert.deepEqual(end.body.tags, []);
      assert.equal(end.headers['link'], undefined);
    });

    it('the last page has no Link', async () => {
      const res = await request(t.app).get(`/v2/lib/tags/tags/list?n=5&last=${lexical(TAGS)[9]}`);
      assert.equal(res.body.tags.length, 2);
      assert.equal(res.headers['link'], undefined);
    });

    it('n=0 answers an empty list and no Link', async () => {
      const res = await request(t.app).get('/v2/lib/tags/tags/list?n=0');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.tags, []);
      assert.equal(res.headers['link'], undefined);
    });

    it('n above the maximum → 400 PAGINATION_NUMBER_INVALID', async () => {
      expectError(await request(t.app).get('/v2/lib/tags/tags/list?n=6'), 400, 'PAGINATION_NUMBER_INVALID');
      expectError(await request(t.app).get('/v2/lib/tags/tags/list?n=100000000000000000000'), 400, 'PAGINATION_NUMBER_INVALID');
    });

    for (const n of ['abc', '-1', '1.5', '', '2x', '%20']) {
      it(`n=${JSON.stringify(n)} → 400 PAGINATION_NUMBER_INVALID`, async () => {
        expectError(await request(t.app).get(`/v2/lib/tags/tags/list?n=${n}`), 400, 'PAGINATION_NUMBER_INVALID');
      });
    }

    it('an unknown repository → 404 NAME_UNKNOWN; one with only blobs too', async () => {
      expectError(await request(t.app).get('/v2/no/such/repo/tags/list'), 404, 'NAME_UNKNOWN');
      await pushBlob(t.app, 'blobs/only', 'a lone blob');
      expectError(await request(t.app).get('/v2/blobs/only/tags/list'), 404, 'NAME_UNKNOWN');
    });

    it('a listing follows tag writes and deletes at once (cached pages are dropped)', async () => {
      const img = await pushImage(t.app, 'lib/moving', { seed: 'moving' });
      await pushManifest(t.app, 'lib/moving', 'one', img.body, MT.ociManifest);
      const first = await request(t.app).get('/v2/lib/moving/tags/list');
      assert.deepEqual(first.body.tags, ['one']);
      await pushManifest(t.app, 'lib/moving', 'two', img.body, MT.ociManifest);
      assert.deepEqual((await request(t.app).get('/v2/lib/moving/tags/list')).body.tags, ['one', 'two']);
      assert.equal((await request(t.app).delete('/v2/lib/moving/manifests/one')).status, 202);
      assert.deepEqual((await request(t.app).get('/v2/lib/moving/tags/list')).body.tags, ['two']);
      const page = async () => (await request(t.app).get('/v2/_catalog?n=2&last=lib/moun')).body.repositories;
      assert.deepEqual(await page(), ['lib/moving', 'lib/tags']);
      await pushImage(t.app, 'lib/movin', { seed: 'movin' });
      assert.deepEqual(await page(), ['lib/movin', 'lib/moving']);
    });

    it('a repository whose manifests are untagged lists no tags', async () => {
      await pushImage(t.app, 'untagged', { seed: 'untagged' });
      const res = await request(t.app).get('/v2/untagged/tags/list');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { name: 'untagged', tags: [] });
    });
  });
}

describe('catalog', () => {
  let t: TestApp;
  const REPOS = ['b', 'a/z', 'a', 'a-b/c', 'a/b/c', 'ab', 'a.b', 'z9', '0lead', 'a_b'];
  before(async () => {
    t = await makeApp('fs', { tags: { maxentries: 5 }, catalog: { maxentries: 5 } });
  });
  after(() => t.cleanup());

  it('an empty registry has an empty catalog', async () => {
    const res = await request(t.app).get('/v2/_catalog');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { repositories: [] });
    assert.equal(res.headers['link'], undefined);
  });

  it('lists repositories with manifests in lexical order; blob-only repositories are not listed', async () => {
    for (const [i, name] of REPOS.entries()) await pushImage(t.app, name, { ref: 'v1', seed: `repo ${i}` });
    await pushBlob(t.app, 'blobonly', 'x');
    const res = await request(t.app).get('/v2/_catalog?n=5');
    assert.deepEqual(res.body.repositories, lexical(REPOS).slice(0, 5));
    assert.equal(res.headers['link'], `</v2/_catalog?n=5&last=${encodeURIComponent(lexical(REPOS)[4]!)}>; rel="next"`);
  });

  for (const n of [1, 3, 5]) {
    it(`following Link with n=${n} gives the complete ordered catalog`, async () => {
      const { items, pages } = await walk(t.app, `/v2/_catalog?n=${n}`, 'repositories');
      assert.deepEqual(items, lexical(REPOS));
      assert.ok(pages.every((p) => p.length <= n));
    });
  }

  it('last= with a nested name continues after it', async () => {
    const all = lexical(REPOS);
    const res = await request(t.app).get(`/v2/_catalog?n=5&last=${encodeURIComponent('a/b/c')}`);
    assert.deepEqual(res.body.repositories, all.slice(all.indexOf('a/b/c') + 1, all.indexOf('a/b/c') + 6));
  });

  it('n=0 → empty; n above the maximum or not a number → 400 PAGINATION_NUMBER_INVALID', async () => {
    const zero = await request(t.app).get('/v2/_catalog?n=0');
    assert.equal(zero.status, 200);
    assert.deepEqual(zero.body.repositories, []);
    expectError(await request(t.app).get('/v2/_catalog?n=6'), 400, 'PAGINATION_NUMBER_INVALID');
    expectError(await request(t.app).get('/v2/_catalog?n=many'), 400, 'PAGINATION_NUMBER_INVALID');
  });

  it('Location-style links are usable as given (path and query only)', async () => {
    const res = await request(t.app).get('/v2/_catalog?n=2');
    const link = /^<([^>]+)>/.exec(res.headers['link'] ?? '')![1]!;
    assert.equal(pathOf(link), link);
    assert.ok(link.startsWith('/v2/_catalog?'));
  });
});
