/**
 * The verifier keeps tokens it verified until they expire (a pull sends one token on every
 * request): a kept token is still refused once its `exp` (plus the leeway) has passed, a
 * tampered copy of a kept token is checked on its own, and the audience is part of the key.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { InvalidTokenError, createTokenVerifier } from '../../src/auth/token-verify.js';
import { createLogger } from '../../src/log.js';
import type { TokenConfig } from '../../src/config/security-schema.js';

describe('verified tokens kept until they expire', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const cfg = { service: 'svc', issuer: 'iss', algorithms: ['ES256'], leeway: 0 } as unknown as TokenConfig;
  const verifier = createTokenVerifier(
    cfg,
    [{ kid: 'k1', key: publicKey }],
    createLogger('error', () => {}),
  );
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (exp: number) =>
    jwt.sign({ iss: 'iss', aud: 'svc', sub: 'robot', exp, jti: randomUUID(), access: [] }, privateKey, { algorithm: 'ES256', keyid: 'k1' });

  it('a kept token is refused once it has expired', async () => {
    const token = sign(now() + 2);
    assert.equal((await verifier.verify(token)).sub, 'robot');
    assert.equal((await verifier.verify(token)).sub, 'robot', 'kept');
    await new Promise((r) => setTimeout(r, 3100));
    await assert.rejects(verifier.verify(token), InvalidTokenError);
  });

  it('a tampered copy of a kept token, or another audience, is checked on its own', async () => {
    const token = sign(now() + 300);
    await verifier.verify(token);
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
    payload.sub = 'admin';
    await assert.rejects(verifier.verify(`${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`), InvalidTokenError);
    await assert.rejects(verifier.verify(token, 'other-service'), InvalidTokenError);
  });
});
