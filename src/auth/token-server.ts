/**
 * The built-in Docker token server's logic (no HTTP here): check credentials, intersect the
 * requested scopes with the policy, and sign the answer. Partial or empty grants are answers,
 * not errors, as the token spec requires.
 */
import type { TokenServerConfig } from '../config/security-schema.js';
import type { Logger } from '../log.js';
import { TokenRequestInvalidError, UnauthorizedError } from './errors.js';
import type { PasswordChecker } from './passwords.js';
import type { Policy, Subject } from './policy.js';
import type { LoginLimiter } from './rate-limit.js';
import { formatScope, type Access } from './scope.js';
import { refreshAudience, type TokenIssuer } from './token-issue.js';
import { InvalidTokenError, type TokenVerifier } from './token-verify.js';

/** A token request after HTTP parsing. */
export interface TokenRequest {
  address: string;
  service: string | undefined;
  scopes: Access[];
  /** Present for a password login (Basic on GET, grant_type=password on POST). */
  login?: { user: string; password: string };
  /** Present for grant_type=refresh_token. */
  refreshToken?: string;
  /** Also hand out a refresh token (docker login's identity token). */
  offline: boolean;
}

/** The token endpoint's JSON answer (both the Docker and the OAuth2 field names). */
export interface TokenResponse {
  token: string;
  access_token: string;
  expires_in: number;
  issued_at: string;
  scope?: string;
  refresh_token?: string;
}

/** Answers token requests. */
export interface TokenServer {
  handle(request: TokenRequest): Promise<TokenResponse>;
}

/** Collaborators of the token server. */
export interface TokenServerDeps {
  config: TokenServerConfig;
  service: string;
  policy: Policy;
  issuer: TokenIssuer;
  verifier: TokenVerifier;
  passwords: PasswordChecker;
  limiter: LoginLimiter;
  log: Logger;
}

/** The token server over its collaborators. */
export function createTokenServer(d: TokenServerDeps): TokenServer {
  const challenge = 'Basic realm="berth token server"';
  const subjectOf = (name: string): Subject | undefined => {
    const user = Object.hasOwn(d.config.users, name) ? d.config.users[name] : undefined;
    return user ? { name, groups: user.groups } : undefined;
  };

  const authenticate = async (req: TokenRequest): Promise<Subject | undefined> => {
    if (!req.login && req.refreshToken === undefined) return undefined;
    d.limiter.check(req.address);
    let subject: Subject | undefined;
    if (req.login) {
      const user = Object.hasOwn(d.config.users, req.login.user) ? d.config.users[req.login.user] : undefined;
      if (await d.passwords.verify(user?.password, req.login.password)) subject = subjectOf(req.login.user);
    } else {
      try {
        const claims = await d.verifier.verify(req.refreshToken!, refreshAudience(d.service));
        subject = subjectOf(claims.sub);
      } catch (err) {
        if (!(err instanceof InvalidTokenError)) throw err;
      }
    }
    if (!subject) {
      d.limiter.fail(req.address);
      d.log.warn('failed login', { user: req.login?.user, grant: req.login ? 'password' : 'refresh_token', address: req.address });
      throw new UnauthorizedError('incorrect username or password', challenge, []);
    }
    return subject;
  };

  return {
    async handle(req) {
      if (req.service !== undefined && req.service !== d.service) {
        throw new TokenRequestInvalidError(`unknown service ${JSON.stringify(req.service)}`);
      }
      const subject = await authenticate(req);
      const granted = req.scopes.map((s) => ({ ...s, actions: d.policy.grant(subject, s) })).filter((s) => s.actions.length > 0);
      const issued = d.issuer.access(subject?.name ?? '', granted);
      d.log.debug('token issued', { sub: subject?.name ?? '', access: granted });
      const out: TokenResponse = {
        token: issued.token,
        access_token: issued.token,
        expires_in: issued.expiresIn,
        issued_at: issued.issuedAt,
        scope: granted.map(formatScope).join(' '),
      };
      if (subject && req.offline) out.refresh_token = d.issuer.refresh(subject.name);
      return out;
    },
  };
}
