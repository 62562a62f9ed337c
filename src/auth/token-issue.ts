/** Signing tokens for the built-in token server: access tokens and refresh (identity) tokens. */
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { SigningKey } from './keys.js';
import type { Access } from './scope.js';

/** The audience of refresh tokens: never the service, so one cannot be used as an access token. */
export const refreshAudience = (service: string): string => `berth-refresh:${service}`;

/** What the issuer needs to know. */
export interface IssuerOptions {
  key: SigningKey;
  issuer: string;
  service: string;
  expiration: number;
  refreshExpiration: number;
}

/** A signed access token and its lifetime. */
export interface IssuedToken {
  token: string;
  expiresIn: number;
  issuedAt: string;
}

/** Signs tokens with one key. */
export interface TokenIssuer {
  /** An access token granting `access`; `extra` adds claims (kind, reasons). */
  access(subject: string, access: Access[], extra?: Record<string, unknown>): IssuedToken;
  /** A refresh token for `subject`; `extra` adds claims (stamp). */
  refresh(subject: string, extra?: Record<string, unknown>): string;
}

/** An issuer over `opts`. */
export function createTokenIssuer(opts: IssuerOptions): TokenIssuer {
  const sign = (claims: Record<string, unknown>, audience: string, lifetime: number): { token: string; iat: number } => {
    const iat = Math.floor(Date.now() / 1000);
    // Claims are set explicitly (not through jsonwebtoken's options) so each one is visible here.
    const payload = { iss: opts.issuer, aud: audience, iat, nbf: iat, exp: iat + lifetime, jti: randomUUID(), ...claims };
    return { token: jwt.sign(payload, opts.key.key, { algorithm: opts.key.alg, keyid: opts.key.kid }), iat };
  };
  return {
    access(subject, access, extra = {}) {
      const { token, iat } = sign({ ...extra, sub: subject, access }, opts.service, opts.expiration);
      return { token, expiresIn: opts.expiration, issuedAt: new Date(iat * 1000).toISOString() };
    },
    refresh(subject, extra = {}) {
      return sign({ ...extra, sub: subject }, refreshAudience(opts.service), opts.refreshExpiration).token;
    },
  };
}
