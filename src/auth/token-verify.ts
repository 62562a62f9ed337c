/**
 * Bearer token verification as a resource server. Every check names its algorithms, issuer and
 * audience; the key comes from the header's `kid` (or, without a match, each key whose id a
 * JWKS did not declare), so `alg: none`, HS256 signed with a public key and foreign keys fail.
 */
import jwt from 'jsonwebtoken';
import type { Algorithm } from 'jsonwebtoken';
import type { Logger } from '../log.js';
import { readConfigured } from '../config/files.js';
import type { TokenConfig } from '../config/security-schema.js';
import { keysFromJwks, keysFromPemBundle, type TrustedKey } from './keys.js';
import type { Access } from './scope.js';
import { Lru } from '../registry/lru.js';

/** The claims Berth uses from a verified token. */
export interface VerifiedToken {
  sub: string;
  access: Access[];
}

/** A token that is not acceptable; the reason is for logs, never for the client. */
export class InvalidTokenError extends Error {}

/** Checks tokens; throws InvalidTokenError. */
export interface TokenVerifier {
  verify(token: string, audience?: string): Promise<VerifiedToken & Record<string, unknown>>;
}

/** How often a JWKS URL may be fetched again when a token names an unknown kid. */
const JWKS_REFETCH_MS = 30_000;

/**
 * Verified tokens kept until they expire: a client sends the same token on every request of a
 * pull, and checking its signature again (an RSA or ECDSA verify) costs more than the HEAD it
 * guards. Only tokens whose signature verified are kept, so the entries are bounded by what the
 * trusted issuers signed, and the bound caps even that.
 */
const VERIFIED_KEPT = 4096;

/** A verifier trusting `own` keys (the built-in server) plus the configured external ones. */
export function createTokenVerifier(cfg: TokenConfig, own: readonly TrustedKey[], log: Logger): TokenVerifier {
  let keys: TrustedKey[] = [...own];
  if (cfg.rootcertbundle) {
    keys.push(...readConfigured('auth.token.rootcertbundle', cfg.rootcertbundle, (b) => keysFromPemBundle(b.toString('utf8'))));
  }
  const jwksUrl = cfg.jwks && /^https?:\/\//.test(cfg.jwks) ? cfg.jwks : undefined;
  if (cfg.jwks && !jwksUrl) {
    keys.push(...readConfigured('auth.token.jwks', cfg.jwks, (b) => keysFromJwks(JSON.parse(b.toString('utf8')))));
  }
  const fixed = keys;
  let fetchedAt = 0;
  const refetch = async (): Promise<void> => {
    if (!jwksUrl || Date.now() - fetchedAt < JWKS_REFETCH_MS) return;
    fetchedAt = Date.now();
    try {
      const res = await fetch(jwksUrl, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      keys = [...fixed, ...keysFromJwks(await res.json())];
    } catch (err) {
      log.warn('JWKS fetch failed', { url: jwksUrl, error: String(err) });
    }
  };
  const algorithms = cfg.algorithms as Algorithm[];
  const verified = new Lru<string, { claims: VerifiedToken & Record<string, unknown>; until: number }>(VERIFIED_KEPT);

  return {
    async verify(token, audience = cfg.service) {
      const cacheKey = `${audience ?? ''}\0${token}`;
      const hit = verified.get(cacheKey);
      if (hit && Date.now() < hit.until) return hit.claims;
      if (hit) verified.delete(cacheKey);
      const claims = await check(token, audience);
      // Kept until `exp` (with the configured leeway, as jwt.verify allows); a token without one is not kept.
      if (typeof claims['exp'] === 'number') verified.set(cacheKey, { claims, until: (claims['exp'] + cfg.leeway) * 1000 });
      return claims;
    },
  };

  async function check(token: string, audience: string | undefined): Promise<VerifiedToken & Record<string, unknown>> {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw new InvalidTokenError('not a JWT');
    const { kid, alg } = decoded.header;
    if (!algorithms.includes(alg as Algorithm)) throw new InvalidTokenError(`algorithm ${alg} not allowed`);
    let candidates = kid ? keys.filter((k) => k.kid === kid) : keys;
    if (kid && candidates.length === 0 && jwksUrl) {
      await refetch();
      candidates = keys.filter((k) => k.kid === kid);
    }
    // Issuers name their keys their own way; a key from a PEM bundle has no declared id, so a
    // token with an unknown kid is still checked against those (the signature decides).
    if (candidates.length === 0) candidates = keys.filter((k) => !k.declared);
    if (candidates.length === 0) throw new InvalidTokenError(`unknown key id ${String(kid)}`);
    let last: unknown;
    for (const { key } of candidates) {
      try {
        const claims = jwt.verify(token, key, { algorithms, issuer: cfg.issuer, audience, clockTolerance: cfg.leeway });
        if (typeof claims === 'string') throw new InvalidTokenError('payload is not a claim set');
        return { ...claims, sub: typeof claims.sub === 'string' ? claims.sub : '', access: accessClaim(claims['access']) };
      } catch (err) {
        last = err;
      }
    }
    throw new InvalidTokenError(last instanceof Error ? last.message : 'signature not verified');
  }
}

/** The `access` claim, keeping only well-formed entries. */
function accessClaim(value: unknown): Access[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((a): a is Access => typeof a?.type === 'string' && typeof a?.name === 'string' && Array.isArray(a?.actions))
    .map((a) => ({ type: a.type, name: a.name, actions: a.actions.filter((x): x is string => typeof x === 'string') }));
}
