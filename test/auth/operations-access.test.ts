/**
 * Everything under /_berth (the pull-through cache's statistics show upstream URLs and breaker
 * state) follows the configured auth: any user with htpasswd, the registry:berth:* scope with
 * tokens (a rule with `operations: true`), a system administrator with accounts. Health stays free.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { parseConfig } from '../../src/config/load.js';
import { createApp, type App } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { createProxy } from '../../src/proxy/index.js';
import { createRegistry, registryOptions } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';
import { makeAccountsApp, tempDir, ADMIN_PASSWORD } from '../helpers/accounts.js';
import { basic, bearer, fetchToken, hash, makePki, tokenAuthConfig, type Pki } from '../helpers/auth.js';
import { expectError } from '../helpers/http.js';

const STATS = '/_berth/proxy/stats';

/** A proxying app (upstream never contacted) with `auth`. */
function proxyApp(auth: Record<string, unknown>): App {
  const config = parseConfig({
    storage: { inmemory: {} },
    auth,
    proxy: { enabled: true, remoteurl: 'https://upstream.invalid' },
  });
  const log = createLogger('error');
  const proxied = createProxy(config, log)!;
  const registry = createRegistry(createDriver(config.storage), registryOptions(config), proxied.factories);
  return createApp({ config, registry, log, proxy: proxied.proxy });
}

async function free(app: App): Promise<void> {
  assert.equal((await request(app).get('/healthz')).status, 200);
  assert.equal((await request(app).get('/readyz')).status, 200);
}

describe('/_berth follows the configured auth', () => {
  let pki: Pki;
  let dir: { dir: string; remove(): Promise<void> };
  before(async () => {
    pki = await makePki();
    dir = await tempDir('berth-ops-');
  });
  after(async () => {
    await pki.cleanup();
    await dir.remove();
  });

  it('htpasswd: a valid user sees the stats; no or wrong credentials are 401', async () => {
    const path = `${dir.dir}/htpasswd`;
    await writeFile(path, `ops:${hash('ops-secret')}\n`);
    const app = proxyApp({ htpasswd: { realm: 'berth', path } });
    expectError(await request(app).get(STATS), 401, 'UNAUTHORIZED');
    expectError(await request(app).get(STATS).set('Authorization', basic('ops', 'wrong')), 401, 'UNAUTHORIZED');
    const ok = await request(app).get(STATS).set('Authorization', basic('ops', 'ops-secret'));
    assert.equal(ok.status, 200);
    assert.equal(Object.values(ok.body.upstreams as Record<string, { url: string }>)[0]?.url, 'https://upstream.invalid');
    await free(app);
  });

  it('token: only a token granting registry:berth:* (a rule with operations: true)', async () => {
    const auth = tokenAuthConfig(pki);
    const server = (auth['token'] as { server: { rules: object[] } }).server;
    server.rules.push({ users: ['admin'], operations: true });
    const app = proxyApp(auth);
    const anonymous = await request(app).get(STATS);
    expectError(anonymous, 401, 'UNAUTHORIZED');
    assert.match(anonymous.headers['www-authenticate'] ?? '', /scope="registry:berth:\*"/);
    // alice may push dev/**, but is no operator: her token for the scope grants nothing.
    const alice = await fetchToken(app, ['registry:berth:*'], 'alice');
    expectError(await request(app).get(STATS).set('Authorization', bearer(alice.token)), 401, 'DENIED');
    const admin = await fetchToken(app, ['registry:berth:*'], 'admin');
    const ok = await request(app).get(STATS).set('Authorization', bearer(admin.token));
    assert.equal(ok.status, 200);
    assert.equal(typeof ok.body.upstreams, 'object');
    await free(app);
  });

  it('accounts: a system administrator only', async () => {
    const a = await makeAccountsApp();
    try {
      await a.services.accounts.create('carol', 'carol-password-1');
      const tokenFor = async (user: string, password: string): Promise<string> => {
        const res = await request(a.app)
          .get('/token?service=berth-test&scope=registry:berth:*')
          .set('Authorization', basic(user, password));
        assert.equal(res.status, 200, res.text);
        return res.body.token as string;
      };
      // No proxy here: an allowed request reaches the 404 of an unknown endpoint, a refused one stops at 401.
      expectError(await request(a.app).get('/_berth/anything'), 401, 'UNAUTHORIZED');
      const carol = await request(a.app)
        .get('/_berth/anything')
        .set('Authorization', bearer(await tokenFor('carol', 'carol-password-1')));
      expectError(carol, 401, 'DENIED');
      assert.match(carol.body.errors[0].message, /user carol is not an administrator/);
      const admin = await request(a.app)
        .get('/_berth/anything')
        .set('Authorization', bearer(await tokenFor('admin', ADMIN_PASSWORD)));
      expectError(admin, 404, 'UNSUPPORTED');
      await free(a.app);
    } finally {
      await a.cleanup();
    }
  });

  it('without auth the stats stay open, as everything else', async () => {
    assert.equal((await request(proxyApp({})).get(STATS)).status, 200);
  });
});
