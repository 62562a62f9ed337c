/**
 * Sign-in sessions for the web UI: POST /session signs in (a cookie and a CSRF token), GET
 * /session says who is signed in and what the server can do, DELETE /session signs out.
 * Scripts do not need a session: they send Basic or Bearer credentials on each call.
 */
import { z } from 'zod';
import { isRobotName } from '../../admin/names.js';
import { checkLogin } from '../authenticate.js';
import { ApiError } from '../errors.js';
import { route, type ApiDeps, type Caller } from '../route.js';
import { principalSchema, showPrincipal } from '../schemas.js';
import { clearSessionCookie, hashSecret, newSessionSecrets, sessionSecret, setSessionCookie } from '../session-cookie.js';

/** What the server can do, so the UI hides what it would refuse anyway. */
const capabilitiesSchema = z.object({
  authMode: z.enum(['off', 'htpasswd', 'token', 'accounts']),
  /** Users, projects and robots exist (auth mode accounts). */
  accounts: z.boolean(),
  readOnly: z.boolean(),
  /** Deletes are allowed by the configuration (storage.delete.enabled). */
  deleteEnabled: z.boolean(),
});

const sessionSchema = z.object({
  /** Null for an anonymous visitor. */
  user: principalSchema.nullable(),
  /** Send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE made with the cookie. */
  csrfToken: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /** How the caller authenticated. */
  via: z.enum(['basic', 'bearer', 'session', 'anonymous']),
  capabilities: capabilitiesSchema,
});

function capabilities(deps: ApiDeps): z.input<typeof capabilitiesSchema> {
  return {
    authMode: deps.authMode,
    accounts: deps.authMode === 'accounts',
    readOnly: deps.readOnly?.enabled ?? deps.config.storage.maintenance.readonly.enabled,
    deleteEnabled: deps.config.storage.delete.enabled,
  };
}

function describeSession(deps: ApiDeps, caller: Caller): z.input<typeof sessionSchema> {
  return {
    user: caller.principal ? showPrincipal(caller.principal) : null,
    csrfToken: caller.session?.csrfToken ?? null,
    expiresAt: caller.session?.expiresAt.toISOString() ?? null,
    via: caller.via,
    capabilities: capabilities(deps),
  };
}

/** The session routes. */
export const sessionRoutes = [
  route({
    method: 'post',
    path: '/session',
    tag: 'session',
    summary: 'Sign in: sets an HttpOnly session cookie and returns the CSRF token to send with every change',
    permission: 'anyone',
    body: z.object({ username: z.string().min(1), password: z.string().min(1) }),
    response: sessionSchema,
    status: 201,
    async handler({ body, deps, req, res }) {
      if (deps.authMode !== 'accounts')
        throw new ApiError(404, 'ACCOUNTS_OFF', `there is nothing to sign in to: accounts are off (auth mode ${deps.authMode})`);
      if (isRobotName(body.username)) {
        throw new ApiError(403, 'DENIED', 'robot accounts do not sign in to the UI: send their secret as Basic credentials instead');
      }
      const principal = await checkLogin(deps, req, body.username, body.password);
      const { secret, csrfToken } = newSessionSecrets();
      const now = new Date();
      const session = {
        idHash: hashSecret(secret),
        userId: principal.id,
        csrfToken,
        createdAt: now,
        expiresAt: new Date(now.getTime() + deps.config.api.session.expiration * 1000),
      };
      const sessions = deps.services.stores.sessions;
      // Expired sessions go here, at sign-in, rather than on a schedule: they are refused anyway.
      await sessions.removeExpired(now);
      await sessions.create(session);
      deps.registry.events.emit('login.succeeded', { grant: 'password' }, { actor: principal.name, actorKind: 'user', address: req.ip });
      setSessionCookie(req, res, secret, session.expiresAt);
      return describeSession(deps, { principal, via: 'session', session });
    },
  }),
  route({
    method: 'get',
    path: '/session',
    tag: 'session',
    summary: 'Who is signed in (user null for anonymous), the CSRF token of the session, and what the server can do',
    permission: 'anyone',
    response: sessionSchema,
    handler: ({ deps, caller, req, res }) => {
      if (caller.staleSession && sessionSecret(req)) clearSessionCookie(req, res);
      return describeSession(deps, caller);
    },
  }),
  route({
    method: 'delete',
    path: '/session',
    tag: 'session',
    summary: 'Sign out: the session ends on the server and the cookie is cleared',
    permission: 'anyone',
    async handler({ deps, caller, req, res }) {
      if (caller.session) await deps.services.stores.sessions.remove(caller.session.idHash);
      clearSessionCookie(req, res);
    },
  }),
];
