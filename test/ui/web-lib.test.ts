/**
 * The web UI's logic that needs no browser: URL matching and building, in-memory table
 * queries at 10,000 rows, JSON tokens, WWW-Authenticate parsing (how the UI learns whether
 * auth is on), errors in plain words, formatting of sizes, digests and pull commands.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, describeError, errorFromBody } from '../../web/src/lib/errors.js';
import { formatAge, formatBytes, kindText, platformText, pullCommand, shortDigest } from '../../web/src/lib/format.js';
import { jsonLines } from '../../web/src/lib/json-tokens.js';
import { listParams } from '../../web/src/lib/paging.js';
import { fullName, inProject } from '../../web/src/lib/repository-name.js';
import { authModeOf } from '../../web/src/lib/server-facts.js';
import { pageCount, queryRows, type QueryColumn } from '../../web/src/lib/table-query.js';
import { parseChallenges } from '../../web/src/lib/www-authenticate.js';
import { HOME, matchRoute, paths, safeNext } from '../../web/src/router/routes.js';

describe('UI routes', () => {
  it('matches the deep links of issue 13 and decodes each segment', () => {
    assert.deepEqual(matchRoute('/projects/team/repositories/app'), { name: 'repository', params: { project: 'team', repository: 'app' } });
    assert.deepEqual(matchRoute('/projects/team/repositories/tools%2Fapp/artifacts/sha256:ab'), {
      name: 'artifact',
      params: { project: 'team', repository: 'tools/app', reference: 'sha256:ab' },
    });
    assert.equal(matchRoute('/projects/')?.name, 'projects');
    assert.equal(matchRoute('/projects/team/members')?.name, 'project-members');
    assert.equal(matchRoute('/projects/team/nope'), undefined);
    assert.equal(matchRoute('/projects/%E0%A4%A'), undefined, 'a malformed escape is no page, not a crash');
    assert.equal(matchRoute('/'), undefined);
  });

  it('builds links that match back to the same names, whatever they hold', () => {
    const project = 'te am/<b>';
    const repository = 'tools/app?x#y';
    const reference = 'v1.0';
    const m = matchRoute(paths.artifact(project, repository, reference));
    assert.deepEqual(m, { name: 'artifact', params: { project, repository, reference } });
    assert.equal(paths.repository('team', 'tools/app'), '/projects/team/repositories/tools%2Fapp');
    assert.equal(paths.signIn('/projects/a b'), '/sign-in?next=%2Fprojects%2Fa%20b');
  });
});

describe('table queries', () => {
  interface Tag {
    name: string;
    size: number;
  }
  const rows: Tag[] = Array.from({ length: 10_000 }, (_, i) => ({ name: `v${i}`, size: (i * 7919) % 10_007 }));
  const columns: QueryColumn<Tag>[] = [
    { key: 'name', text: (r) => r.name, sortValue: (r) => r.name },
    { key: 'size', sortValue: (r) => r.size },
  ];

  it('filters 10,000 rows case-insensitively and pages the matches', () => {
    const page = queryRows(rows, columns, { filter: 'V99', page: 0, pageSize: 25 });
    assert.equal(page.total, 111); // v99, v990–v999, v9900–v9999
    assert.equal(page.rows.length, 25);
    assert.ok(page.rows.every((r) => r.name.startsWith('v99')));
  });

  it('sorts text in natural order and numbers numerically, both ways', () => {
    const byName = queryRows(rows, columns, { filter: '', sort: { key: 'name', descending: false }, page: 0, pageSize: 3 });
    assert.deepEqual(
      byName.rows.map((r) => r.name),
      ['v0', 'v1', 'v2'],
    );
    const bySize = queryRows(rows, columns, { filter: '', sort: { key: 'size', descending: true }, page: 0, pageSize: 2 });
    assert.ok(bySize.rows[0]!.size >= bySize.rows[1]!.size);
    assert.equal(bySize.rows[0]!.size, Math.max(...rows.map((r) => r.size)));
  });

  it('clamps a page past the end to the last page; an empty result is one page', () => {
    const last = queryRows(rows, columns, { filter: '', page: 999, pageSize: 100 });
    assert.equal(last.rows.at(-1), rows.at(-1));
    assert.equal(pageCount(0, 25), 1);
    assert.deepEqual(queryRows(rows, columns, { filter: 'nothing', page: 3, pageSize: 25 }), { rows: [], total: 0 });
  });

  it('does not search columns without text, and leaves the input untouched', () => {
    assert.ok(rows.some((r) => r.size === 10_005));
    assert.equal(queryRows(rows, columns, { filter: '10005', page: 0, pageSize: 25 }).total, 0);
    assert.equal(rows[0]!.name, 'v0');
  });
});

describe('JSON tokens', () => {
  it('lay out as JSON.stringify(value, null, 2), each token typed', () => {
    const value = {
      schemaVersion: 2,
      annotations: { 'x<script>': '<img src=x onerror=alert(1)>' },
      layers: [],
      ok: true,
      none: null,
      list: [1, 'a'],
    };
    const lines = jsonLines(value);
    assert.equal(lines.map((l) => l.map((t) => t.text).join('')).join('\n'), JSON.stringify(value, null, 2));
    const tokens = lines.flat();
    assert.ok(tokens.some((t) => t.kind === 'key' && t.text === '"x<script>"'));
    assert.ok(tokens.some((t) => t.kind === 'string' && t.text === '"<img src=x onerror=alert(1)>"'));
    assert.ok(tokens.some((t) => t.kind === 'boolean' && t.text === 'true'));
    assert.ok(tokens.some((t) => t.kind === 'null'));
    assert.deepEqual(jsonLines('x'), [[{ kind: 'string', text: '"x"' }]]);
  });
});

describe('auth mode from GET /v2/', () => {
  it('parses one or several challenges, quoted values with commas included', () => {
    assert.deepEqual(parseChallenges('Basic realm="Berth Registry"'), [{ scheme: 'basic', params: { realm: 'Berth Registry' } }]);
    const two = parseChallenges(
      'Basic realm="a, b", Bearer realm="https://r.example/token",service="berth",scope="repository:x:pull,push"',
    );
    assert.equal(two.length, 2);
    assert.deepEqual(two[1], {
      scheme: 'bearer',
      params: { realm: 'https://r.example/token', service: 'berth', scope: 'repository:x:pull,push' },
    });
    assert.deepEqual(parseChallenges('Bearer realm="a\\"b"')[0]?.params, { realm: 'a"b' });
    assert.deepEqual(parseChallenges(''), []);
  });

  it('tells off, Basic and Bearer apart', () => {
    assert.equal(authModeOf(200, null), 'off');
    assert.equal(authModeOf(401, 'Basic realm="x"'), 'basic');
    assert.equal(authModeOf(401, 'Bearer realm="https://h/token",service="berth"'), 'bearer');
    assert.equal(authModeOf(401, null), 'unknown');
    assert.equal(authModeOf(503, null), 'unknown');
  });
});

describe('errors in plain words', () => {
  it('reads the message of every error shape Berth sends', () => {
    assert.equal(
      errorFromBody(404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known' }] }).serverMessage,
      'repository name not known',
    );
    assert.equal(errorFromBody(409, { error: { code: 'conflict', message: 'project exists' } }).code, 'conflict');
    assert.equal(errorFromBody(400, { message: 'bad' }).serverMessage, 'bad');
    assert.equal(errorFromBody(500, 'not json').serverMessage, undefined);
  });

  it('turns statuses and network failures into sentences', () => {
    assert.equal(describeError(new ApiError(0, undefined, undefined)).title, 'Berth cannot be reached');
    assert.equal(describeError(new ApiError(403, 'DENIED', undefined)).title, 'Not allowed');
    assert.deepEqual(describeError(new ApiError(404, undefined, 'no project "x"')), { title: 'Not found', detail: 'no project "x"' });
    assert.equal(describeError(new ApiError(500, undefined, undefined)).title, 'Berth had a problem');
    assert.equal(describeError(new Error('boom')).detail, 'boom');
  });
});

describe('formatting', () => {
  it('sizes, digests, ages and pull commands', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(1500), '1.5 KB');
    assert.equal(formatBytes(123_456_789), '123 MB');
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
    assert.equal(shortDigest(digest), 'sha256:0123456789ab');
    assert.equal(pullCommand('reg:5000', 'team/app', '1.0'), 'docker pull reg:5000/team/app:1.0');
    assert.equal(pullCommand('reg:5000', 'team/app', digest), `docker pull reg:5000/team/app@${digest}`);
    const now = Date.parse('2026-01-01T12:00:00Z');
    assert.equal(formatAge('2026-01-01T11:57:00Z', now), '3 minutes ago');
    assert.equal(formatAge('2025-12-31T12:00:00Z', now), '1 day ago');
    assert.equal(formatAge(undefined, now), 'never');
  });
});

describe('page helpers', () => {
  it('platforms and kinds of artifacts in words', () => {
    assert.equal(platformText({ os: 'linux', architecture: 'arm64', variant: 'v8' }), 'linux/arm64/v8');
    assert.equal(platformText({ os: 'linux', architecture: 'amd64', variant: null }), 'linux/amd64');
    assert.equal(kindText({ mediaType: 'application/vnd.oci.image.index.v1+json' }), 'Image index');
    assert.equal(kindText({ mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json' }), 'Image index');
    assert.equal(kindText({ mediaType: 'application/vnd.oci.image.manifest.v1+json' }), 'Image');
    assert.equal(
      kindText({
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        artifactType: 'application/vnd.docker.container.image.v1+json',
      }),
      'Image',
    );
    assert.equal(
      kindText({ mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/spdx+json' }),
      'application/spdx+json',
    );
  });

  it('sends a signed-in person back only to a page of this origin', () => {
    assert.equal(safeNext('/projects/team?tab=x'), '/projects/team?tab=x');
    for (const bad of [undefined, '', 'https://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      assert.equal(safeNext(bad), HOME, String(bad));
    }
  });

  it('turns a table query into the API list parameters (pages from 1)', () => {
    assert.deepEqual(listParams({ filter: '  app ', page: 0, pageSize: 25 }), { q: 'app', page: 1, page_size: 25 });
    assert.deepEqual(listParams({ filter: '', page: 3, pageSize: 50 }), { page: 4, page_size: 50 });
  });

  it('maps a repository name to its URL segment and back; library keeps one-component names apart', () => {
    for (const [project, name, segment] of [
      ['team', 'team/app', 'app'],
      ['team', 'team/tools/app', 'tools/app'],
      ['library', 'busybox', 'busybox'],
      ['library', 'library/busybox', 'library/busybox'],
    ] as const) {
      assert.equal(inProject(project, name), segment, name);
      assert.equal(fullName(project, segment), name, segment);
    }
  });
});
