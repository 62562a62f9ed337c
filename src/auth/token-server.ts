/**
 * The built-in Docker token server's logic (no HTTP here): check credentials, intersect the
 * requested scopes with the policy, and sign the answer. Partial or empty grants are answers,
 * not errors, as the token spec requires.
 */
import type { Logger } from '../log.js';
import { BAD_CREDENTIALS, type Authenticator, type LoginResult } from './authenticator.js';
import { TokenRequestInvalidError, UnauthorizedError } from './errors.js';
import type { Policy, Subject } from './policy.js';
import type { LoginLimiter } from './rate-limit.js';
import { formatScope, type Access } from './scope.js';
import { refreshAudience, type TokenIssuer } from './token-issue.js';
import { InvalidTokenError, type TokenVerifier } from './token-verify.js';
import type { EventBus } from '../events/bus.js';
import type { Origin } from '../events/events.js';

/** Who a token request came from, as events carry it. */
const originOf = (subject: Subject | undefined, address: string): Origin => ({
  actor: subject?.name,
  actorKind: subject?.kind,
  address,
});

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
  service: string;
  /** Who a login is (config-file users, database accounts). */
  authenticator: Authenticator;
  policy: Policy;
  issuer: TokenIssuer;
  verifier: TokenVerifier;
  limiter: LoginLimiter;
  log: Logger;
  /** Where logins and issued tokens are announced (the audit log listens). */
  events?: EventBus;
}

/** The token server over its collaborators. */
export function createTokenServer(d: TokenServerDeps): TokenServer {
  const challenge = 'Basic realm="berth token server"';

  const authenticate = async (req: TokenRequest): Promise<Subject | undefined> => {
    if (!req.login && req.refreshToken === undefined) return undefined;
    d.limiter.check(req.address);
    let result: LoginResult | undefined;
    if (req.login) {
      result = await d.authenticator.login(req.login.user, req.login.password);
    } else {
      try {
        const claims = await d.verifier.verify(req.refreshToken!, refreshAudience(d.service));
        result = await d.authenticator.resume(claims.sub, typeof claims['stamp'] === 'string' ? claims['stamp'] : undefined);
      } catch (err) {
        if (!(err instanceof InvalidTokenError)) throw err;
        result = { refused: 'invalid or expired refresh token' };
      }
    }
    result ??= { refused: BAD_CREDENTIALS };
    const grant = req.login ? ('password' as const) : ('refresh_token' as const);
    if ('refused' in result) {
      d.events?.emit('login.failed', { grant, user: req.login?.user, reason: result.refused }, { address: req.address });
      d.limiter.fail(req.address);
      d.log.warn('failed login', {
        user: req.login?.user,
        grant: req.login ? 'password' : 'refresh_token',
        address: req.address,
        reason: result.refused,
      });
      throw new UnauthorizedError(result.refused, challenge, []);
    }
    d.events?.emit('login.succeeded', { grant }, originOf(result.subject, req.address));
    return result.subject;
  };

  return {
    async handle(req) {
      if (req.service !== undefined && req.service !== d.service) {
        throw new TokenRequestInvalidError(`unknown service ${JSON.stringify(req.service)}`);
      }
      const subject = await authenticate(req);
      const decided = await Promise.all(req.scopes.map(async (s) => ({ scope: s, grant: await d.policy.grant(subject, s) })));
      const granted = decided.map(({ scope, grant }) => ({ ...scope, actions: grant.actions })).filter((s) => s.actions.length > 0);
      // Why an action was withheld travels in the token, so the registry can say it without asking anyone.
      const reasons: Record<string, string> = {};
      for (const { scope, grant } of decided) if (grant.reason) reasons[`${scope.type}:${scope.name}`] = grant.reason;
      const issued = d.issuer.access(subject?.name ?? '', granted, {
        ...(subject?.kind ? { kind: subject.kind } : {}),
        ...(Object.keys(reasons).length > 0 ? { reasons } : {}),
      });
      d.log.debug('token issued', { sub: subject?.name ?? '', access: granted });
      if (d.events?.listened('token.issued'))
        d.events.emit('token.issued', { access: granted.map(formatScope) }, originOf(subject, req.address));
      const out: TokenResponse = {
        token: issued.token,
        access_token: issued.token,
        expires_in: issued.expiresIn,
        issued_at: issued.issuedAt,
        scope: granted.map(formatScope).join(' '),
      };
      if (subject && req.offline) out.refresh_token = d.issuer.refresh(subject.name, subject.stamp ? { stamp: subject.stamp } : {});
      return out;
    },
  };
}
