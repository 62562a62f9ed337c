/**
 * The access controller interface and its three modes. The dispatcher calls authorize() with
 * the access a route needs; a controller returns, or throws a challenge error that the error
 * table turns into 401 + WWW-Authenticate (or 429 for a client over the failed-login limit).
 */
import type { Request } from 'express';
import type { Logger } from '../log.js';
import { InsufficientScopeError, UnauthorizedError } from './errors.js';
import type { HtpasswdFile } from './htpasswd.js';
import type { PasswordChecker } from './passwords.js';
import { parseBasic } from './passwords.js';
import type { LoginLimiter } from './rate-limit.js';
import { covers, formatScope, type Access } from './scope.js';
import { InvalidTokenError, type TokenVerifier, type VerifiedToken } from './token-verify.js';

/** Who a request was authenticated as. */
export interface Principal {
  name: string;
  kind?: 'user' | 'robot';
}

/**
 * Which repositories a caller may see in listings (the catalog): a test of names, or undefined
 * when the caller sees all. Set by the management layer when accounts are on.
 */
export type Visibility = (caller: Principal | undefined) => Promise<((repository: string) => boolean) | undefined>;

/**
 * Which repositories a request may pull: `any` (every one), or the names its credentials list.
 * An answer about reading, asked where a request could learn of content beyond the one
 * repository its route names (an anonymous mount finds the blob in a repository it may read).
 */
export type PullScope = 'any' | readonly string[];

/** Decides whether a request may have the access it needs. */
export interface AccessController {
  /**
   * Resolve with who the request is (undefined: anonymous) when allowed; throw
   * AuthChallengeError (or TooManyRequestsError) otherwise.
   */
  authorize(req: Request, needed: readonly Access[]): Promise<Principal | undefined>;
  /** The repositories a request that authorize() let through may pull (see PullScope). */
  pullScope(req: Request): Promise<PullScope>;
}

/**
 * The address failed logins are counted against: the peer, or the client a trusted proxy
 * (http.trustedproxies) names in X-Forwarded-For; never a header from anyone else.
 */
export const clientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** No authentication: everything is allowed. */
export const allowAll: AccessController = { authorize: async () => undefined, pullScope: async () => 'any' };

/** HTTP Basic against an htpasswd file; any valid user may do anything (as Distribution). */
export function htpasswdController(
  realm: string,
  file: HtpasswdFile,
  passwords: PasswordChecker,
  limiter: LoginLimiter,
  log: Logger,
): AccessController {
  const challenge = `Basic realm="${realm}"`;
  return {
    async authorize(req, needed) {
      const creds = parseBasic(req.get('authorization'));
      if (!creds) throw new UnauthorizedError('authentication required', challenge, needed);
      const address = clientAddress(req);
      limiter.check(address);
      const hash = await file.hashOf(creds.user);
      // A name not in the file costs what a wrong password does (its hashes' bcrypt cost).
      const ok = hash === undefined ? await passwords.refuse(creds.password, file.cost()) : await passwords.verify(hash, creds.password);
      if (!ok) {
        limiter.fail(address);
        log.warn('failed login', { user: creds.user, address, reqId: req.res?.getHeader('x-request-id') });
        throw new UnauthorizedError('authentication required', challenge, needed);
      }
      return { name: creds.user, kind: 'user' };
    },
    // Any user in the file may do anything (authorize() has checked who this is).
    pullScope: async () => 'any',
  };
}

/** Bearer tokens: the token must verify and its `access` claim cover what is needed. */
export function tokenController(
  realmOf: (req: Request) => string,
  service: string,
  verifier: TokenVerifier,
  log: Logger,
): AccessController {
  const challenge = (req: Request, needed: readonly Access[], error?: string): string => {
    const parts = [`realm="${realmOf(req)}"`, `service="${service}"`];
    if (needed.length > 0) parts.push(`scope="${needed.map(formatScope).join(' ')}"`);
    if (error) parts.push(`error="${error}"`);
    return `Bearer ${parts.join(',')}`;
  };
  // What each authorized request's token granted, so pullScope() need not verify it again.
  const grants = new WeakMap<Request, readonly Access[]>();
  return {
    async authorize(req, needed) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
      if (!m) throw new UnauthorizedError('authentication required', challenge(req, needed), needed);
      let claims: VerifiedToken & Record<string, unknown>;
      try {
        claims = await verifier.verify(m[1]!);
      } catch (err) {
        if (!(err instanceof InvalidTokenError)) throw err;
        log.info('invalid token', { reason: err.message, address: clientAddress(req), reqId: req.res?.getHeader('x-request-id') });
        throw new UnauthorizedError('authentication required', challenge(req, needed, 'invalid_token'), needed);
      }
      if (!covers(claims.access, needed)) {
        throw new InsufficientScopeError(
          denialReason(claims, needed) ?? 'requested access to the resource is denied',
          challenge(req, needed, 'insufficient_scope'),
          needed,
        );
      }
      grants.set(req, claims.access);
      if (!claims.sub) return undefined;
      const kind = claims['kind'];
      return kind === 'user' || kind === 'robot' ? { name: claims.sub, kind } : { name: claims.sub };
    },
    // Exactly what the token grants: the token server's policy decided it when it was issued.
    async pullScope(req) {
      return pullable(grants.get(req) ?? []);
    },
  };
}

/** Names of the repositories an access claim lets its holder pull. */
export function pullable(granted: readonly Access[]): string[] {
  const names = granted
    .filter((a) => a.type === 'repository' && (a.actions.includes('pull') || a.actions.includes('*')))
    .map((a) => a.name);
  return [...new Set(names)];
}

/**
 * Why the token server withheld what is needed: its `reasons` claim maps "type:name" to a
 * message (Berth's token server writes it; other issuers' tokens have none).
 */
function denialReason(claims: Record<string, unknown>, needed: readonly Access[]): string | undefined {
  const reasons = claims['reasons'];
  if (typeof reasons !== 'object' || reasons === null) return undefined;
  for (const n of needed) {
    if (covers(claims['access'] as Access[], [n])) continue;
    const reason = (reasons as Record<string, unknown>)[`${n.type}:${n.name}`];
    if (typeof reason === 'string') return reason;
  }
  return undefined;
}
