/** Signing keys: RSA → RS256 and EC P-256 → ES256, libtrust key ids, PEM bundles of certificates. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { keysFromPemBundle, libtrustKeyId, loadSigningKey } from '../../src/auth/keys.js';
import { makeApp } from '../helpers/app.js';
import { bearer, fetchToken, makePki, tokenAuthConfig, type Pki } from '../helpers/auth.js';

describe('token signing keys', () => {
  let pki: Pki;
  let dir: string;
  before(async () => {
    pki = await makePki();
    dir = await mkdtemp(join(tmpdir(), 'berth-keys-'));
  });
  after(async () => {
    await pki.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('an RSA key signs RS256 tokens that the app accepts', async () => {
    const rsa = join(dir, 'rsa.key');
    await writeFile(rsa, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const cfg = tokenAuthConfig(pki);
    ((cfg['token'] as Record<string, unknown>)['server'] as Record<string, unknown>)['key'] = rsa;
    const t = await makeApp('memory', { auth: cfg });
    const { token } = await fetchToken(t.app, ['repository:dev/a:pull'], 'alice');
    assert.equal(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).alg, 'RS256');
    assert.equal((await request(t.app).get('/v2/').set('Authorization', bearer(token))).status, 200);
    await t.cleanup();
  });

  it('other key types are refused with a clear message', () => {
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => loadSigningKey(ed), /must be RSA or EC P-256, got ed25519/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.throws(() => loadSigningKey(p384), /must be RSA or EC P-256/);
  });

  it('the key id is libtrust-shaped, and the certificate in a bundle yields the same id as the key', async () => {
    const key = loadSigningKey(await readFile(pki.tokenKey, 'utf8'));
    assert.match(key.kid, /^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
    const [fromCert] = keysFromPemBundle(await readFile(pki.tokenCert, 'utf8'));
    assert.equal(fromCert!.kid, key.kid);
    assert.equal(libtrustKeyId(key.publicKey), key.kid);
    assert.throws(() => keysFromPemBundle('nothing here'), /no certificate or public key/);
  });
});
