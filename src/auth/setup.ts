/** Builds the configured access controller and, with `auth.token.server`, the token endpoints. */
import type { Router } from 'express';
import { readConfigured } from '../config/files.js';
import type { Config } from '../config/schema.js';
import { baseUrl } from '../http/respond.js';
import type { Logger } from '../log.js';
import { allowAll, htpasswdController, tokenController, type AccessController } from './controller.js';
import { htpasswdFile } from './htpasswd.js';
import { loadSigningKey, type SigningKey } from './keys.js';
import { createPasswordChecker } from './passwords.js';
import { configPolicy, type Policy } from './policy.js';
import { createLoginLimiter } from './rate-limit.js';
import { createTokenIssuer } from './token-issue.js';
import { TOKEN_PATH, tokenRouter } from './token-routes.js';
import { createTokenServer } from './token-server.js';
import { createTokenVerifier } from './token-verify.js';

/** What the app mounts: the controller for /v2 and, when configured, the token router. */
export interface Auth {
  controller: AccessController;
  router?: Router;
}

/** Build auth for `config`; `policy` overrides the config-file policy (for a management layer). */
export function createAuth(config: Config, log: Logger, policy?: Policy): Auth {
  const a = config.auth;
  const limiter = createLoginLimiter(a.ratelimit.attempts, a.ratelimit.window);
  const passwords = createPasswordChecker();
  if (a.htpasswd) {
    const file = htpasswdFile(a.htpasswd.path, log);
    return { controller: htpasswdController(a.htpasswd.realm, file, passwords, limiter, log) };
  }
  if (!a.token) return { controller: allowAll };

  const t = a.token;
  const signing: SigningKey[] = t.server
    ? [readConfigured('auth.token.server.key', t.server.key, (b) => loadSigningKey(b.toString('utf8')))]
    : [];
  const verifier = createTokenVerifier(
    t,
    signing.map((k) => ({ kid: k.kid, key: k.publicKey })),
    log,
  );
  const realmOf = t.realm ? () => t.realm! : (req: Parameters<typeof baseUrl>[0]) => `${baseUrl(req, config)}${TOKEN_PATH}`;
  const controller = tokenController(realmOf, t.service, verifier, log);
  if (!t.server) return { controller };
  const server = createTokenServer({
    config: t.server,
    service: t.service,
    policy: policy ?? configPolicy(t.server),
    issuer: createTokenIssuer({
      key: signing[0]!,
      issuer: t.issuer,
      service: t.service,
      expiration: t.server.expiration,
      refreshExpiration: t.server.refreshexpiration,
    }),
    verifier,
    passwords,
    limiter,
    log,
  });
  return { controller, router: tokenRouter(server, signing) };
}
