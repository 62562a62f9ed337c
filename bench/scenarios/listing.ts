/**
 * tags-list (one repository with many tags) and catalog (many repositories): repeated GETs.
 * Distribution's tag list is unsorted, so its order is not checked; Berth promises lexical order.
 */
import { forEachLimit } from '../load.js';
import { mountBlob, pushImage, putManifest } from '../ops.js';
import type { Target } from '../servers.js';
import { CheckError, expectStatus } from '../verify.js';
import { timedRate, withClient } from './common.js';
import type { Scenario } from './types.js';
import { IMAGE_REPO } from './manifests.js';

const TAGS_REPO = 'bench/tags';
const CATALOG_PREFIX = 'bench-catalog/';

function tagNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `v${String(i).padStart(4, '0')}`);
}

function repoNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${CATALOG_PREFIX}r${String(i).padStart(3, '0')}`);
}

/** Same members (and, when `ordered`, the same order) as `want`, which is sorted. */
function checkList(got: unknown, want: readonly string[], ordered: boolean, what: string): void {
  if (!Array.isArray(got)) throw new CheckError(`${what}: not a list`);
  if (got.length !== want.length) throw new CheckError(`${what}: ${got.length} entries, expected ${want.length}`);
  const list = got as string[];
  if (ordered) {
    for (let i = 0; i < want.length; i++)
      if (list[i] !== want[i]) throw new CheckError(`${what}: entry ${i} is ${list[i]}, expected ${want[i]}`);
    return;
  }
  const set = new Set(list);
  if (set.size !== want.length || want.some((w) => !set.has(w)))
    throw new CheckError(`${what}: entries differ from the ${want.length} expected`);
}

const TAGS_ROW = { row: 'tags-list', unit: 'req/s' };
const CATALOG_ROW = { row: 'catalog', unit: 'req/s' };

/** tags-list: GET /v2/<repo>/tags/list, checking the full list of tags. */
export const tagsList: Scenario = {
  name: 'tags-list',
  rows: [TAGS_ROW],
  prepare: (t, ctx) => {
    const image = ctx.fixtures.image();
    return withClient(t, 16, async (c) => {
      await pushImage(c, TAGS_REPO, image, 'v0000');
      await forEachLimit(tagNames(ctx.sizes.tagsCount).slice(1), 16, (tag) =>
        putManifest(c, TAGS_REPO, tag, image.manifest, image.mediaType, image.manifestDigest),
      );
    });
  },
  run: (t: Target, ctx) => {
    const want = tagNames(ctx.sizes.tagsCount);
    return timedRate(t, ctx, TAGS_ROW, 5_000_000, async (c) => {
      const res = await c.send({ method: 'GET', path: `/v2/${TAGS_REPO}/tags/list` });
      expectStatus(res, 200, 'tags list');
      const body = JSON.parse(res.body.toString('utf8')) as { name?: string; tags?: unknown };
      if (body.name !== TAGS_REPO) throw new CheckError(`tags list: name is ${String(body.name)}`);
      checkList(body.tags, want, t.side === 'berth', 'tags list');
    });
  },
};

/** catalog: GET /v2/_catalog?n=1000 (Distribution answers 100 entries without n), checking our repositories. */
export const catalog: Scenario = {
  name: 'catalog',
  rows: [CATALOG_ROW],
  prepare: (t, ctx) => {
    const image = ctx.fixtures.image();
    return withClient(t, 16, async (c) => {
      await pushImage(c, IMAGE_REPO, image, 'latest');
      await forEachLimit(repoNames(ctx.sizes.reposCount), 16, async (repo) => {
        for (const blob of [image.config, ...image.layers]) await mountBlob(c, repo, IMAGE_REPO, blob);
        await putManifest(c, repo, 'latest', image.manifest, image.mediaType, image.manifestDigest);
      });
    });
  },
  run: (t: Target, ctx) => {
    const want = repoNames(ctx.sizes.reposCount);
    return timedRate(t, ctx, CATALOG_ROW, 5_000_000, async (c) => {
      const res = await c.send({ method: 'GET', path: '/v2/_catalog?n=1000' });
      expectStatus(res, 200, 'catalog');
      const body = JSON.parse(res.body.toString('utf8')) as { repositories?: unknown };
      const all = body.repositories;
      if (!Array.isArray(all)) throw new CheckError('catalog: no repositories list');
      const ours = (all as string[]).filter((name) => name.startsWith(CATALOG_PREFIX));
      checkList(ours, want, t.side === 'berth', 'catalog');
    });
  },
};
