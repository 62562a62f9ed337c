/**
 * Who is signed in, from the management API's session endpoint: GET /session at start (an
 * anonymous visitor gets `user: null`), POST /session to sign in (the HttpOnly cookie and the
 * CSRF token every change then carries), DELETE /session to sign out. An expired session
 * sends the person to the sign-in page, which brings them back afterwards.
 */
import { api, setCsrfToken } from '../api/client.js';
import type { Answer } from '../api/types.js';
import { ApiError } from './errors.js';
import { createStore } from './store.js';

/** The signed-in account, as the user menu needs it. */
export interface SessionUser {
  name: string;
  admin: boolean;
}

/** The current user, or null when nobody is signed in. */
export const session = createStore<SessionUser | null>(null);

/** What the server can do (auth mode, accounts, read-only, deletes), from GET /session; null until it answers or without the API. */
export const capabilities = createStore<Answer<'/session'>['capabilities'] | null>(null);

/** Has GET /session answered (so pages know whether someone is signed in)? */
export const sessionKnown = createStore(false);

function remember(data: Answer<'/session'> | undefined): void {
  setCsrfToken(data?.csrfToken ?? undefined);
  session.set(data?.user ? { name: data.user.name, admin: data.user.admin } : null);
  if (data) capabilities.set(data.capabilities);
}

/** Ask the server who this browser is; never throws (no API: nobody is signed in). */
export async function loadSession(): Promise<void> {
  try {
    remember((await api.GET('/session')).data);
  } catch {
    session.set(null);
  } finally {
    sessionKnown.set(true);
  }
}

/** Sign in; rejects with an ApiError (401 for bad credentials) that the form shows. */
export async function signIn(username: string, password: string): Promise<void> {
  remember((await api.POST('/session', { body: { username, password } })).data);
}

/** Sign out (the cookie is cleared by the server; locally in any case). */
export async function signOut(): Promise<void> {
  try {
    await api.DELETE('/session');
  } finally {
    setCsrfToken(undefined);
    session.set(null);
  }
}

/** An error that means "your session ended": the caller sends the person to sign in again. */
export function isSessionExpired(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401 && err.code === 'SESSION_EXPIRED';
}
