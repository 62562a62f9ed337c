/**
 * Who is calling /api/v1: Basic credentials (a user or a robot), a Bearer token from the token
 * server, or the UI's session cookie; else anonymous. Wrong credentials are 401 at once (a
 * script learns its secret is wrong) and count as failed logins, as at the token server.
 */
import type { Request } from 'express';
import { UnauthorizedError } from '../auth/errors.js';
import { InvalidTokenError } from '../auth/token-verify.js';
import { ApiError } from './errors.js';
import type { ApiDeps, Caller } from './route.js';
import { hashSecret, sessionSecret } from './session-cookie.js';
import { userPrincipal } from '../admin/accounts.js';

/** Find the caller of `req`; throws ApiError 401 for credentials that are wrong. */
export async function authenticate(deps: ApiDeps, req: Request): Promise<Caller> {
  const header = req.get('authorization');
  if (deps.authMode === 'htpasswd' && header) return htpasswdUser(deps, req);
  // Only accounts have principals; with auth off everyone is anonymous (and the registry open).
  if (deps.authMode !== 'accounts') return { via: 'anonymous' };
  if (header) {
    const space = header.indexOf(' ');
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : header.slice(space + 1).trim();
    if (scheme === 'basic') return basic(deps, req, value);
    if (scheme === 'bearer') return bearer(deps, value);
    throw new ApiError(401, 'UNAUTHORIZED', `unsupported authorization scheme ${JSON.stringify(scheme)}: use Basic or Bearer`);
  }
  const secret = sessionSecret(req);
  return secret ? session(deps, secret) : { via: 'anonymous' };
}

/** A user of the htpasswd file, checked by the registry's own access controller. */
async function htpasswdUser(deps: ApiDeps, req: Request): Promise<Caller> {
  try {
    const who = await deps.auth.controller.authorize(req, []);
    return who ? { via: 'basic', operator: who.name } : { via: 'anonymous' };
  } catch (err) {
    if (err instanceof UnauthorizedError) throw new ApiError(401, 'UNAUTHORIZED', 'incorrect username or password');
    throw err;
  }
}

async function basic(deps: ApiDeps, req: Request, value: string): Promise<Caller> {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new ApiError(401, 'UNAUTHORIZED', 'malformed Basic credentials');
  return { principal: await checkLogin(deps, req, decoded.slice(0, colon), decoded.slice(colon + 1)), via: 'basic' };
}

/**
 * Check a name and password or robot secret (Basic, and sign-in); a refusal is a failed login
 * on the event bus and in the limiter, and a 401 saying why.
 */
export async function checkLogin(deps: ApiDeps, req: Request, name: string, secret: string) {
  const address = req.ip ?? '';
  deps.limiter.check(address);
  const result = await deps.services.credentials.authenticate(name, secret);
  if (!result.ok) {
    deps.limiter.fail(address);
    deps.registry.events.emit('login.failed', { grant: 'password', user: name, reason: result.message }, { address });
    deps.log.warn('failed login', { user: name, via: 'api', address, reason: result.message });
    throw new ApiError(401, 'UNAUTHORIZED', result.message);
  }
  return result.principal;
}

async function bearer(deps: ApiDeps, token: string): Promise<Caller> {
  const verifier = deps.auth.verifier;
  if (!verifier) throw new ApiError(401, 'UNAUTHORIZED', 'Bearer tokens are not accepted here: no token server');
  let sub: string;
  try {
    sub = (await verifier.verify(token)).sub;
  } catch (err) {
    if (!(err instanceof InvalidTokenError)) throw err;
    throw new ApiError(401, 'UNAUTHORIZED', 'invalid or expired token');
  }
  // The token names the account; what it may do is read now (a disabled account is refused at once).
  const principal = sub ? await deps.services.credentials.principal(sub) : undefined;
  if (!principal) throw new ApiError(401, 'UNAUTHORIZED', `the token's account ${JSON.stringify(sub)} is not an active account`);
  return { principal, via: 'bearer' };
}

async function session(deps: ApiDeps, secret: string): Promise<Caller> {
  const stores = deps.services.stores;
  const idHash = hashSecret(secret);
  const found = await stores.sessions.byHash(idHash);
  if (!found) return { via: 'anonymous', staleSession: 'unknown' };
  if (found.expiresAt.getTime() <= Date.now()) {
    await stores.sessions.remove(idHash);
    return { via: 'anonymous', staleSession: 'expired' };
  }
  const user = await stores.users.byId(found.userId);
  if (!user || user.disabled) {
    await stores.sessions.remove(idHash);
    return { via: 'anonymous', staleSession: 'unknown' };
  }
  return { principal: userPrincipal(user), via: 'session', session: found };
}
