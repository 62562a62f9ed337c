/**
 * Token keys: the signing key of the built-in server and the public keys tokens are checked
 * against (PEM bundles of certificates or public keys, JWKS documents). Key ids follow
 * libtrust's fingerprint, which Distribution matches a token's `kid` against.
 */
import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject, type JsonWebKey } from 'node:crypto';

/** A signing key and what the JWT header and JWKS say about it. */
export interface SigningKey {
  key: KeyObject;
  publicKey: KeyObject;
  kid: string;
  alg: 'RS256' | 'ES256';
}

/** A public key that verifies tokens. */
export interface TrustedKey {
  kid: string;
  key: KeyObject;
  /** True when the kid was declared by the source (JWKS), false when computed from the key. */
  declared?: boolean;
}

/** libtrust's key id: SHA-256 of the DER SubjectPublicKeyInfo, 240 bits, base32, groups of 4. */
export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const hash = createHash('sha256').update(der).digest().subarray(0, 30);
  return base32(hash).match(/.{4}/g)!.join(':');
}

function base32(data: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** Load a PEM private key and pick its algorithm: RSA → RS256, EC P-256 → ES256. */
export function loadSigningKey(pem: string): SigningKey {
  const key = createPrivateKey(pem);
  const publicKey = createPublicKey(key);
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  let alg: SigningKey['alg'];
  if (type === 'rsa') alg = 'RS256';
  else if (type === 'ec' && curve === 'prime256v1') alg = 'ES256';
  else throw new Error(`token signing key must be RSA or EC P-256, got ${type ?? 'unknown'} ${curve ?? ''}`.trim());
  return { key, publicKey, kid: libtrustKeyId(publicKey), alg };
}

/** Every certificate or public key in a PEM bundle. */
export function keysFromPemBundle(pem: string): TrustedKey[] {
  const blocks = pem.match(/-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g) ?? [];
  const keys: TrustedKey[] = [];
  for (const block of blocks) {
    let key: KeyObject;
    if (block.includes('CERTIFICATE')) key = new X509Certificate(block).publicKey;
    else if (block.includes('PUBLIC KEY')) key = createPublicKey(block);
    else continue;
    keys.push({ kid: libtrustKeyId(key), key });
  }
  if (keys.length === 0) throw new Error('no certificate or public key in the PEM bundle');
  return keys;
}

/** The public keys of a JWKS document; a key without `kid` gets its libtrust id. */
export function keysFromJwks(doc: unknown): TrustedKey[] {
  const list = (doc as { keys?: unknown })?.keys;
  if (!Array.isArray(list)) throw new Error('JWKS document without a "keys" array');
  return list
    .filter((k: JsonWebKey & { use?: string }) => k.use === undefined || k.use === 'sig')
    .map((jwk: JsonWebKey & { kid?: string }) => {
      const key = createPublicKey({ key: jwk, format: 'jwk' });
      return { kid: jwk.kid ?? libtrustKeyId(key), key, declared: jwk.kid !== undefined };
    });
}

/** A JWKS document publishing `keys`. */
export function toJwks(keys: readonly SigningKey[]): { keys: JsonWebKey[] } {
  return { keys: keys.map((k) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, alg: k.alg, use: 'sig' })) };
}
