/** Scope parsing, access coverage, policy globs and grants, and the route → access mapping. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request } from 'express';
import { TokenRequestInvalidError } from '../../src/auth/errors.js';
import { configPolicy, globToRegExp } from '../../src/auth/policy.js';
import { neededAccess } from '../../src/auth/route-access.js';
import { covers, formatScope, parseScope, parseScopes } from '../../src/auth/scope.js';
import { createLoginLimiter } from '../../src/auth/rate-limit.js';
import { TooManyRequestsError } from '../../src/auth/errors.js';

describe('scope parsing', () => {
  it('parses type, name and actions', () => {
    assert.deepEqual(parseScope('repository:library/busybox:pull,push'), {
      type: 'repository',
      name: 'library/busybox',
      actions: ['pull', 'push'],
    });
  });

  it('keeps host:port inside the name (the name runs to the last colon)', () => {
    assert.deepEqual(parseScope('repository:localhost:5000/team/app:pull'), {
      type: 'repository',
      name: 'localhost:5000/team/app',
      actions: ['pull'],
    });
    assert.deepEqual(parseScope('repository:registry.example.com:443/a:*').name, 'registry.example.com:443/a');
  });

  it('drops a resource class, and parses registry:catalog:*', () => {
    assert.deepEqual(parseScope('repository(plugin):vieux/sshfs:pull'), { type: 'repository', name: 'vieux/sshfs', actions: ['pull'] });
    assert.deepEqual(parseScope('registry:catalog:*'), { type: 'registry', name: 'catalog', actions: ['*'] });
  });

  it('several scopes: repeated values and space-separated lists, merged per resource', () => {
    const got = parseScopes(['repository:a:pull repository:b:push', 'repository:a:push,pull', 'registry:catalog:*']);
    assert.deepEqual(got, [
      { type: 'repository', name: 'a', actions: ['pull', 'push'] },
      { type: 'repository', name: 'b', actions: ['push'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
    assert.deepEqual(parseScopes([]), []);
    assert.deepEqual(parseScopes(['']), []);
  });

  it('an empty action list is allowed (asks for nothing)', () => {
    assert.deepEqual(parseScope('repository:a:').actions, []);
  });

  for (const bad of ['repository', 'repository:pull', ':a:pull', 'repository::pull', 'Repo:a:pull', 'repo sitory:a:pull']) {
    it(`refuses malformed scope ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseScope(bad), TokenRequestInvalidError);
    });
  }

  it('formats back to the wire form', () => {
    assert.equal(formatScope(parseScope('repository:h:5000/x:pull,push')), 'repository:h:5000/x:pull,push');
  });

  it('covers: every needed action must be granted; * grants all', () => {
    const granted = [{ type: 'repository', name: 'a', actions: ['pull'] }];
    assert.ok(covers(granted, [{ type: 'repository', name: 'a', actions: ['pull'] }]));
    assert.ok(!covers(granted, [{ type: 'repository', name: 'a', actions: ['pull', 'push'] }]));
    assert.ok(!covers(granted, [{ type: 'repository', name: 'b', actions: ['pull'] }]));
    assert.ok(covers([{ type: 'registry', name: 'catalog', actions: ['*'] }], [{ type: 'registry', name: 'catalog', actions: ['*'] }]));
    assert.ok(covers([], []), 'nothing needed: any valid token will do');
  });
});

describe('policy', () => {
  it('globs: * stays within a segment, ** crosses segments', () => {
    assert.ok(globToRegExp('public/*').test('public/app'));
    assert.ok(!globToRegExp('public/*').test('public/a/b'));
    assert.ok(globToRegExp('team/**').test('team/a/b/c'));
    assert.ok(!globToRegExp('team/**').test('teamx/a'));
    assert.ok(!globToRegExp('a.b').test('axb'), 'dots are literal');
  });

  const policy = configPolicy({
    rules: [
      {
        repositories: ['dev/**'],
        users: [],
        groups: ['dev'],
        authenticated: false,
        actions: ['pull', 'push'],
        catalog: false,
        operations: false,
      },
      { repositories: ['shared/*'], users: [], groups: [], authenticated: true, actions: ['pull'], catalog: false, operations: false },
      { repositories: ['**'], users: ['root'], groups: [], authenticated: false, actions: ['*'], catalog: true, operations: false },
    ],
    anonymous: ['public/*'],
  });
  const alice = { name: 'alice', groups: ['dev'] };
  const bob = { name: 'bob', groups: [] };
  const root = { name: 'root', groups: [] };
  const repo = (name: string, actions: string[]) => ({ type: 'repository', name, actions });
  const grant = (...args: Parameters<typeof policy.grant>) => policy.grant(...args).actions;

  it('grants the intersection of what is asked and what is allowed', () => {
    assert.deepEqual(grant(alice, repo('dev/x/y', ['pull', 'push', 'delete'])), ['pull', 'push']);
    assert.deepEqual(grant(bob, repo('dev/x', ['pull', 'push'])), []);
    assert.deepEqual(grant(bob, repo('shared/x', ['pull', 'push'])), ['pull'], 'authenticated rule');
    assert.deepEqual(grant(root, repo('any/thing', ['pull', 'push', 'delete'])), ['pull', 'push', 'delete']);
  });

  it('anonymous pull only on the chosen globs, and never push', () => {
    assert.deepEqual(grant(undefined, repo('public/app', ['pull', 'push'])), ['pull']);
    assert.deepEqual(grant(undefined, repo('dev/x', ['pull'])), []);
    assert.deepEqual(grant(undefined, repo('shared/x', ['pull'])), [], 'authenticated rules need a subject');
  });

  it('* asked for expands to what is allowed; the catalog only for catalog rules', () => {
    assert.deepEqual(grant(alice, repo('dev/a', ['*'])).sort(), ['pull', 'push']);
    assert.deepEqual(grant(root, { type: 'registry', name: 'catalog', actions: ['*'] }), ['*']);
    assert.deepEqual(grant(alice, { type: 'registry', name: 'catalog', actions: ['*'] }), []);
    assert.deepEqual(grant(undefined, { type: 'registry', name: 'catalog', actions: ['*'] }), []);
  });
});

describe('route access mapping', () => {
  const req = (method: string, url: string) => ({ method, originalUrl: url }) as unknown as Request;
  it('GET/HEAD pull; POST/PUT/PATCH pull,push; DELETE delete', () => {
    for (const [method, actions] of [
      ['GET', ['pull']],
      ['HEAD', ['pull']],
      ['POST', ['pull', 'push']],
      ['PUT', ['pull', 'push']],
      ['PATCH', ['pull', 'push']],
      ['DELETE', ['delete']],
    ] as const) {
      assert.deepEqual(neededAccess('repository', req(method, '/v2/a/b/manifests/x'), 'a/b'), [
        { type: 'repository', name: 'a/b', actions: [...actions] },
      ]);
    }
  });

  it('the catalog needs registry:catalog:*, the base endpoint nothing but a login', () => {
    assert.deepEqual(neededAccess('catalog', req('GET', '/v2/_catalog'), ''), [{ type: 'registry', name: 'catalog', actions: ['*'] }]);
    assert.deepEqual(neededAccess('base', req('GET', '/v2/'), ''), []);
  });

  it('a cross-repository mount also needs pull on from', () => {
    const got = neededAccess('repository', req('POST', '/v2/dst/blobs/uploads/?mount=sha256:abc&from=src/repo'), 'dst');
    assert.deepEqual(got, [
      { type: 'repository', name: 'dst', actions: ['pull', 'push'] },
      { type: 'repository', name: 'src/repo', actions: ['pull'] },
    ]);
  });
});

describe('failed-login limiter', () => {
  it('refuses an address after N failures in the window, with the wait in seconds, and forgets later', () => {
    let now = 1_000_000;
    const limiter = createLoginLimiter(3, 60, () => now);
    for (let i = 0; i < 3; i++) {
      limiter.check('10.0.0.1');
      limiter.fail('10.0.0.1');
      now += 1000;
    }
    assert.throws(
      () => limiter.check('10.0.0.1'),
      (e: unknown) => e instanceof TooManyRequestsError && e.retryAfter === 57,
    );
    limiter.check('10.0.0.2');
    now += 58_000;
    limiter.check('10.0.0.1');
  });
});
