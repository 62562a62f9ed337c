/**
 * Login timing must not tell which user names exist: an unknown name runs the same bcrypt work
 * as a wrong password for a known one, at the cost the real hashes have (htpasswd, the token
 * server's users, the accounts database). Checked by recording what bcrypt is asked to do, not
 * by timing (speed belongs to the bench).
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import request from 'supertest';
import { createPasswordChecker, costOf, dummyHash, typicalCost, type PasswordChecker } from '../../src/auth/passwords.js';
import { parseConfig } from '../../src/config/load.js';
import { createApp, type App } from '../../src/http/app.js';
import { createAuth } from '../../src/auth/setup.js';
import { createLogger } from '../../src/log.js';
import { createRegistry, registryOptions } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';
import { makeAccountsApp, tempDir } from '../helpers/accounts.js';
import { basic, makePki, type Pki } from '../helpers/auth.js';

/** The real checker, recording the cost of every bcrypt comparison it runs. */
function recording(): { checker: PasswordChecker; costs: number[] } {
  const real = createPasswordChecker(0);
  const costs: number[] = [];
  return {
    costs,
    checker: {
      verify: (hash, password) => (costs.push(costOf(hash)!), real.verify(hash, password)),
      refuse: (password, cost) => (costs.push(cost), real.refuse(password, cost)),
    },
  };
}

function appWith(auth: Record<string, unknown>, passwords: PasswordChecker): App {
  const config = parseConfig({ storage: { inmemory: {} }, auth });
  const log = createLogger('error');
  const registry = createRegistry(createDriver(config.storage), registryOptions(config));
  return createApp({ config, registry, log, auth: createAuth(config, log, { passwords }) });
}

describe('an unknown user name costs what a wrong password costs', () => {
  let dir: { dir: string; remove(): Promise<void> };
  let pki: Pki;
  before(async () => {
    dir = await tempDir('berth-timing-');
    pki = await makePki();
  });
  after(async () => {
    await dir.remove();
    await pki.cleanup();
  });

  it('htpasswd: the dummy check has the cost of the file entries', async () => {
    const path = `${dir.dir}/htpasswd`;
    const entry = (u: string) => `${u}:${bcrypt.hashSync(`${u}-pw`, 5).replace(/^\$2b\$/, '$2y$')}`;
    await writeFile(path, `${entry('alice')}\n${entry('bob')}\n`);
    const r = recording();
    const app = appWith({ htpasswd: { realm: 'x', path } }, r.checker);
    assert.equal((await request(app).get('/v2/').set('Authorization', basic('alice', 'wrong'))).status, 401);
    assert.equal((await request(app).get('/v2/').set('Authorization', basic('mallory', 'wrong'))).status, 401);
    assert.deepEqual(r.costs, [5, 5]);
  });

  it('token server users: the dummy check has the cost of the configured hashes', async () => {
    const r = recording();
    const users = { alice: { password: bcrypt.hashSync('alice-pw', 6) } };
    const app = appWith({ token: { service: 's', server: { key: pki.tokenKey, users } } }, r.checker);
    for (const user of ['alice', 'mallory']) {
      const res = await request(app).post('/token').type('form').send({ grant_type: 'password', username: user, password: 'wrong' });
      assert.equal(res.status, 401);
    }
    assert.deepEqual(r.costs, [6, 6]);
  });

  it('accounts: the dummy check has the cost of the accounts hashes', async () => {
    const r = recording();
    const a = await makeAccountsApp({ passwords: r.checker });
    try {
      await a.services.accounts.create('carol', 'carol-password-1');
      r.costs.length = 0;
      for (const user of ['carol', 'nobody-here']) {
        const res = await request(a.app).get('/token?service=berth-test').set('Authorization', basic(user, 'wrong-password'));
        assert.equal(res.status, 401);
      }
      // makeAccountsApp hashes at cost 4: both checks run at 4 (a fixed dummy of cost 10 took ~20x longer).
      assert.deepEqual(r.costs, [4, 4]);
    } finally {
      await a.cleanup();
    }
  });

  it('the dummy hash of a cost is a real bcrypt hash of that cost', async () => {
    for (const cost of [4, 7]) {
      const h = await dummyHash(cost);
      assert.equal(bcrypt.getRounds(h), cost);
      assert.equal(await bcrypt.compare('guess', h), false);
    }
    assert.equal(typicalCost([bcrypt.hashSync('a', 5), bcrypt.hashSync('b', 5), bcrypt.hashSync('c', 4)]), 5);
    assert.equal(typicalCost([]), 10);
  });
});
