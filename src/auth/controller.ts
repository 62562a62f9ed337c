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
import { InvalidTokenError, type TokenVerifier } from './token-verify.js';

/** Decides whether a request may have the access it needs. */
export interface AccessController {
  /** Resolve when allowed; throw AuthChallengeError (or TooManyRequestsError) otherwise. */
  authorize(req: Request, needed: readonly Access[]): Promise<void>;
}

/** The address failed logins are counted against: the peer, not a client-supplied header. */
export const clientAddress = (req: Request): string => req.socket.remoteAddress ?? 'unknown';

/** No authentication: everything is allowed. */
export const allowAll: AccessController = { authorize: async () => undefined };

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
      if (!(await passwords.verify(await file.hashOf(creds.user), creds.password))) {
        limiter.fail(address);
        log.warn('failed login', { user: creds.user, address });
        throw new UnauthorizedError('authentication required', challenge, needed);
      }
    },
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
  return {
    async authorize(req, needed) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
      if (!m) throw new UnauthorizedError('authentication required', challenge(req, needed), needed);
      let granted: Access[];
      try {
        granted = (await verifier.verify(m[1]!)).access;
      } catch (err) {
        if (!(err instanceof InvalidTokenError)) throw err;
        log.info('invalid token', { reason: err.message, address: clientAddress(req) });
        throw new UnauthorizedError('authentication required', challenge(req, needed, 'invalid_token'), needed);
      }
      if (!covers(granted, needed)) {
        throw new InsufficientScopeError(
          'requested access to the resource is denied',
          challenge(req, needed, 'insufficient_scope'),
          needed,
        );
      }
    },
  };
}
