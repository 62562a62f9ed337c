/** htpasswd mode: Basic challenge, bcrypt ($2y$ too), the file re-read when it changes, rate limit. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import request from 'supertest';
import { parseHtpasswd } from '../../src/auth/htpasswd.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { basic, hash } from '../helpers/auth.js';
import { expectError } from '../helpers/http.js';
import { pushImage } from '../helpers/oci.js';

describe('htpasswd auth', () => {
  let dir: string;
  let file: string;
  let t: TestApp;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-htpasswd-'));
    file = join(dir, 'htpasswd');
    // htpasswd -B writes $2y$ hashes; comments and non-bcrypt lines are skipped.
    await writeFile(file, `# users\nalice:${hash('pw-a').replace(/^\$2b\$/, '$2y$')}\nplain:plaintext\n`);
    t = await makeApp('memory', { auth: { htpasswd: { realm: 'Berth Registry', path: file }, ratelimit: { attempts: 5, window: 60 } } });
  });
  after(async () => {
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('no credentials: 401 with Basic realm and the needed access', async () => {
    const res = await request(t.app).get('/v2/a/tags/list');
    expectError(res, 401, 'UNAUTHORIZED');
    assert.equal(res.headers['www-authenticate'], 'Basic realm="Berth Registry"');
    assert.deepEqual(res.body.errors[0].detail, [{ Type: 'repository', Name: 'a', Action: 'pull' }]);
    expectError(await request(t.app).get('/v2/'), 401, 'UNAUTHORIZED');
  });

  it('a valid user may push and pull; a wrong password or a non-bcrypt entry may not', async () => {
    const ok = await request(t.app).get('/v2/').set('Authorization', basic('alice', 'pw-a'));
    assert.equal(ok.status, 200);
    for (const [u, p] of [
      ['alice', 'nope'],
      ['plain', 'plaintext'],
      ['ghost', 'pw-a'],
    ]) {
      expectError(await request(t.app).get('/v2/').set('Authorization', basic(u!, p!)), 401, 'UNAUTHORIZED');
    }
    const authed = express();
    authed.use((req, _res, next) => {
      req.headers.authorization = basic('alice', 'pw-a');
      next();
    });
    authed.use(t.app);
    await pushImage(authed, 'team/app', { ref: 'v1' });
    const res = await request(t.app).get('/v2/team/app/manifests/v1').set('Authorization', basic('alice', 'pw-a'));
    assert.equal(res.status, 200);
  });

  it('the file is re-read when it changes: new users work, removed users stop', async () => {
    expectError(await request(t.app).get('/v2/').set('Authorization', basic('bob', 'pw-b')), 401, 'UNAUTHORIZED');
    // Replaced atomically, as editors and config management do.
    await writeFile(`${file}.new`, `bob:${hash('pw-b')}\n`);
    await rename(`${file}.new`, file);
    assert.equal((await request(t.app).get('/v2/').set('Authorization', basic('bob', 'pw-b'))).status, 200);
    expectError(await request(t.app).get('/v2/').set('Authorization', basic('alice', 'pw-a')), 401, 'UNAUTHORIZED');
  });

  it('failed logins are rate-limited per address: 429 with Retry-After', async () => {
    let last;
    for (let i = 0; i < 8; i++)
      last = await request(t.app)
        .get('/v2/')
        .set('Authorization', basic('bob', `bad-${i}`));
    expectError(last!, 429, 'TOOMANYREQUESTS');
    assert.ok(Number(last!.headers['retry-after']) > 0);
  });

  it('parseHtpasswd keeps only bcrypt entries', () => {
    const users = parseHtpasswd('a:$2y$05$abc\nb:{SHA}xyz\n\n# c:$2y$x\nd:$apr1$x\n');
    assert.deepEqual([...users.keys()], ['a']);
  });
});
