/**
 * The UI's session cookie: a random secret (only its SHA-256 is stored), HttpOnly,
 * SameSite=Strict, Secure when the request came over TLS, scoped to /api/v1. Each session has a
 * CSRF token, returned at sign-in and required as X-CSRF-Token on every unsafe method.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { parse, serialize } from 'cookie';

/** The cookie's name. */
export const SESSION_COOKIE = 'berth_session';
/** The header that carries the CSRF token. */
export const CSRF_HEADER = 'X-CSRF-Token';
/** Where the cookie is sent: the management API only. */
const COOKIE_PATH = '/api/v1';

/** A new session secret (the cookie's value) and CSRF token. */
export function newSessionSecrets(): { secret: string; csrfToken: string } {
  return { secret: randomBytes(32).toString('base64url'), csrfToken: randomBytes(32).toString('base64url') };
}

/** What the database keeps of a session secret. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** The session secret the request's cookie carries, if any. */
export function sessionSecret(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const value = parse(header)[SESSION_COOKIE];
  return value ? value : undefined;
}

/** Set the session cookie (until `expires`). */
export function setSessionCookie(req: Request, res: Response, secret: string, expires: Date): void {
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, secret, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: COOKIE_PATH, expires }),
  );
}

/** Remove the session cookie from the browser. */
export function clearSessionCookie(req: Request, res: Response): void {
  res.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: req.secure, path: COOKIE_PATH, expires: new Date(0) }),
  );
}

/** Whether `sent` is the session's CSRF token (compared in constant time). */
export function csrfMatches(sent: string | undefined, expected: string): boolean {
  if (sent === undefined) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
