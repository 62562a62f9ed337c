/** Builds the configured access controller and, with `auth.token.server`, the token endpoints. */
import type { Router } from 'express';
import { readConfigured } from '../config/files.js';
import type { Config } from '../config/schema.js';
import { baseUrl } from '../http/respond.js';
import type { Logger } from '../log.js';
import { allowAll, htpasswdController, tokenController, type AccessController } from './controller.js';
import { htpasswdFile } from './htpasswd.js';
import { loadSigningKey, type SigningKey } from './keys.js';
import { createPasswordChecker, type PasswordChecker } from './passwords.js';
import { chainAuthenticators, configAuthenticator, type Authenticator } from './authenticator.js';
import { ConfigError } from '../config/load.js';
import type { EventBus } from '../events/bus.js';
import { configPolicy, type Policy } from './policy.js';
import { createLoginLimiter, type LoginLimiter } from './rate-limit.js';
import { createTokenIssuer } from './token-issue.js';
import { TOKEN_PATH, tokenRouter } from './token-routes.js';
import { createTokenServer } from './token-server.js';
import { createTokenVerifier, type TokenVerifier } from './token-verify.js';

/** What the app mounts: the controller for /v2 and, when configured, the token router. */
export interface Auth {
  controller: AccessController;
  router?: Router;
  /** Checks Bearer tokens (token auth): the management API accepts the token server's tokens too. */
  verifier?: TokenVerifier;
  /** Where the controller's and the token server's failed logins count (shared across workers). */
  limiter: LoginLimiter;
}

/** What the management layer plugs into the token server (see src/admin/setup.ts). */
export interface AuthOptions {
  /** Replaces the config-file policy (the accounts policy joins it through unionPolicy). */
  policy?: Policy;
  /** Accounts asked after the config file's users. */
  authenticator?: Authenticator;
  /** The signing key when auth.token.server.key is not set (generated and kept in the database). */
  signingKey?: SigningKey;
  /** The password checker (shared with the accounts, so its cache serves both). */
  passwords?: PasswordChecker;
  /** Where the token server announces logins and issued tokens. */
  events?: EventBus;
}

/** Build auth for `config`; `opts` carries what the management layer adds. */
export function createAuth(config: Config, log: Logger, opts: AuthOptions = {}): Auth {
  const a = config.auth;
  const limiter = createLoginLimiter(a.ratelimit.attempts, a.ratelimit.window);
  const passwords = opts.passwords ?? createPasswordChecker();
  if (a.htpasswd) {
    const file = htpasswdFile(a.htpasswd.path, log);
    return { controller: htpasswdController(a.htpasswd.realm, file, passwords, limiter, log), limiter };
  }
  if (!a.token) return { controller: allowAll, limiter };

  const t = a.token;
  const configured = t.server?.key;
  const key = configured ? readConfigured('auth.token.server.key', configured, (b) => loadSigningKey(b.toString('utf8'))) : opts.signingKey;
  if (t.server && !key)
    throw new ConfigError('auth.token.server: no key configured and no generated key given (start through berth serve)');
  const signing: SigningKey[] = t.server && key ? [key] : [];
  const verifier = createTokenVerifier(
    t,
    signing.map((k) => ({ kid: k.kid, key: k.publicKey })),
    log,
  );
  const realmOf = t.realm ? () => t.realm! : (req: Parameters<typeof baseUrl>[0]) => `${baseUrl(req, config)}${TOKEN_PATH}`;
  const controller = tokenController(realmOf, t.service, verifier, log);
  if (!t.server) return { controller, verifier, limiter };
  const fromConfig = configAuthenticator(t.server.users, passwords);
  const server = createTokenServer({
    service: t.service,
    authenticator: chainAuthenticators(opts.authenticator ? [fromConfig, opts.authenticator] : [fromConfig], passwords),
    policy: opts.policy ?? configPolicy(t.server),
    issuer: createTokenIssuer({
      key: signing[0]!,
      issuer: t.issuer,
      service: t.service,
      expiration: t.server.expiration,
      refreshExpiration: t.server.refreshexpiration,
    }),
    verifier,
    limiter,
    log,
    events: opts.events,
  });
  return { controller, router: tokenRouter(server, signing), verifier, limiter };
}
