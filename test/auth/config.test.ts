/** The auth and TLS configuration keys: defaults, one mode at a time, named errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/load.js';

describe('auth and tls config', () => {
  it('no auth section means no authentication, with the limiter defaults', () => {
    const c = parseConfig({});
    assert.equal(c.auth.htpasswd, undefined);
    assert.equal(c.auth.token, undefined);
    assert.deepEqual(c.auth.ratelimit, { attempts: 10, window: 60 });
    assert.equal(c.http.tls, undefined);
  });

  it('only one mode at a time', () => {
    assert.throws(
      () => parseConfig({ auth: { htpasswd: { path: '/x' }, token: { jwks: '/j' } } }),
      /auth: only one auth mode may be configured, got htpasswd, token/,
    );
  });

  it('token defaults, and env overrides of token keys', () => {
    const c = parseConfig({ auth: { token: { jwks: '/j.json' } } }, { BERTH_AUTH_TOKEN_SERVICE: 'reg', BERTH_AUTH_TOKEN_ISSUER: 'idp' });
    assert.equal(c.auth.token?.service, 'reg');
    assert.equal(c.auth.token?.issuer, 'idp');
    assert.deepEqual(c.auth.token?.algorithms, ['RS256', 'ES256']);
    assert.equal(c.auth.token?.leeway, 30);
  });

  it('refuses plain-text passwords, unknown actions, too short expirations and alg none/HS256', () => {
    const server = (s: Record<string, unknown>) => ({ auth: { token: { server: { key: '/k', ...s } } } });
    assert.throws(() => parseConfig(server({ users: { a: { password: 'hunter2' } } })), /users\.a\.password: must be a bcrypt hash/);
    assert.throws(() => parseConfig(server({ rules: [{ repositories: ['x'], actions: ['own'] }] })), /rules\.0\.actions\.0/);
    assert.throws(() => parseConfig(server({ expiration: 30 })), /expiration/);
    assert.throws(() => parseConfig({ auth: { token: { jwks: '/j', algorithms: ['none'] } } }), /algorithms\.0/);
    assert.throws(() => parseConfig({ auth: { token: { jwks: '/j', algorithms: ['HS256'] } } }), /algorithms\.0/);
  });

  it('tls needs a certificate and a key; clientcas takes one path or a list', () => {
    assert.throws(() => parseConfig({ http: { tls: { certificate: '/c' } } }), /http\.tls\.key: Required/);
    const one = parseConfig({ http: { tls: { certificate: '/c', key: '/k', clientcas: '/ca' } } });
    assert.deepEqual(one.http.tls?.clientcas, ['/ca']);
    assert.throws(() => parseConfig({ http: { tls: { certificate: '/c', key: '/k', minimumtls: 'tls1.0' } } }), /minimumtls/);
  });
});
