/**
 * Configuration sections for TLS (`http.tls`) and authentication (`auth`). Kept apart from
 * schema.ts so the security keys read as one unit; names stay lowercase without separators so
 * that BERTH_HTTP_TLS_CERTIFICATE and BERTH_AUTH_TOKEN_SERVICE map onto them.
 */
import { z } from 'zod';

/** A list of file paths that may also be written as one string. */
const pathList = z.union([
  z
    .string()
    .min(1)
    .transform((s) => [s]),
  z.array(z.string().min(1)),
]);

/** `http.tls`: serve HTTPS with this certificate chain and key. */
export const tlsSchema = z
  .object({
    certificate: z.string().min(1),
    key: z.string().min(1),
    /** CA certificates that client certificates must chain to (mutual TLS). */
    clientcas: pathList.optional(),
    /** How client certificates are treated when clientcas is set. */
    clientauth: z.enum(['require-and-verify', 'verify-if-given']).default('require-and-verify'),
    minimumtls: z.enum(['tls1.2', 'tls1.3']).default('tls1.2'),
  })
  .strict();

const actions = z.array(z.enum(['pull', 'push', 'delete', '*'])).min(1);

/** One policy rule: who (users, groups, or everyone signed in) may do what on which repositories. */
const rule = z
  .object({
    repositories: z.array(z.string().min(1)).default([]),
    users: z.array(z.string().min(1)).default([]),
    groups: z.array(z.string().min(1)).default([]),
    /** Applies to every authenticated user. */
    authenticated: z.boolean().default(false),
    actions: actions.default(['pull']),
    /** Also grants registry:catalog:* (listing every repository). */
    catalog: z.boolean().default(false),
    /** Also grants registry:berth:* (everything under /_berth, such as the proxy's statistics). */
    operations: z.boolean().default(false),
  })
  .strict();

/** A user of the built-in token server: a bcrypt hash and group memberships. */
const user = z
  .object({
    password: z.string().regex(/^\$2[abxy]\$\d\d\$.{53}$/, 'must be a bcrypt hash ($2y$/$2b$...)'),
    groups: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** `auth.token.server`: the built-in Docker token server. */
const tokenServer = z
  .object({
    /**
     * PEM private key (RSA → RS256, EC P-256 → ES256) that signs tokens. Without it, a P-256
     * key is generated on first start and kept in the metadata database (shared by replicas).
     */
    key: z.string().min(1).optional(),
    /** Users, projects, roles and robot accounts from the metadata database (README: Accounts). */
    accounts: z.boolean().default(false),
    /** Seconds a token is valid (at least 60). */
    expiration: z.number().int().min(60).default(300),
    /** Seconds a refresh token (docker login's identity token) is valid. */
    refreshexpiration: z
      .number()
      .int()
      .min(60)
      .default(30 * 24 * 3600),
    users: z.record(z.string().min(1), user).default({}),
    rules: z.array(rule).default([]),
    /** Repository globs anyone may pull without credentials. */
    anonymous: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** `auth.token`: Bearer tokens checked as a resource server, optionally issued by Berth itself. */
const token = z
  .object({
    /** Token endpoint URL for the challenge; default <external URL>/token. */
    realm: z.string().url().optional(),
    service: z.string().min(1).default('berth'),
    issuer: z.string().min(1).default('berth'),
    algorithms: z
      .array(z.enum(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256']))
      .min(1)
      .default(['RS256', 'ES256']),
    /** PEM bundle of certificates or public keys of an external issuer. */
    rootcertbundle: z.string().min(1).optional(),
    /** JWKS of an external issuer: a file path or an http(s) URL. */
    jwks: z.string().min(1).optional(),
    /** Seconds of clock skew tolerated on exp/nbf. */
    leeway: z.number().int().min(0).max(300).default(30),
    server: tokenServer.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (!t.server && !t.rootcertbundle && !t.jwks) {
      ctx.addIssue({ code: 'custom', message: 'token auth needs keys: server, rootcertbundle or jwks' });
    }
  });

/**
 * `auth.accounts: true` (BERTH_AUTH_ACCOUNTS=true) is the one line that turns accounts on: it
 * stands for `auth.token.server.accounts: true`, with every other token setting at its default
 * unless `auth.token` sets it.
 */
function expandAccounts(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || (raw as Record<string, unknown>)['accounts'] !== true) return raw;
  const auth = raw as Record<string, unknown>;
  const token = typeof auth['token'] === 'object' && auth['token'] !== null ? (auth['token'] as Record<string, unknown>) : {};
  const server = typeof token['server'] === 'object' && token['server'] !== null ? (token['server'] as Record<string, unknown>) : {};
  return { ...auth, token: { ...token, server: { ...server, accounts: true } } };
}

/** `auth`: at most one mode (none when absent), plus the failed-login limiter. */
const authObject = z
  .object({
    /** Shorthand for token.server.accounts (see expandAccounts). */
    accounts: z.boolean().optional(),
    none: z.object({}).strict().nullable().optional(),
    htpasswd: z
      .object({ realm: z.string().min(1).default('berth'), path: z.string().min(1) })
      .strict()
      .optional(),
    token: token.optional(),
    ratelimit: z
      .object({
        /** Failed logins allowed per client address within `window` seconds. */
        attempts: z.number().int().positive().default(10),
        window: z.number().int().positive().default(60),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({})
  .superRefine((a, ctx) => {
    const modes = (['none', 'htpasswd', 'token'] as const).filter((m) => a[m] !== undefined);
    if (modes.length > 1) ctx.addIssue({ code: 'custom', message: `only one auth mode may be configured, got ${modes.join(', ')}` });
  });

/** The `auth` section. */
export const authSchema = z.preprocess(expandAccounts, authObject);

/** The validated `auth` section. */
export type AuthConfig = z.output<typeof authObject>;
/** The validated `auth.token` section. */
export type TokenConfig = NonNullable<AuthConfig['token']>;
/** The validated `auth.token.server` section. */
export type TokenServerConfig = NonNullable<TokenConfig['server']>;
/** The validated `http.tls` section. */
export type TlsConfig = z.output<typeof tlsSchema>;
