/**
 * Whether to offer a management action. The server authorizes every request (hiding a button is
 * not protection); this only keeps the UI from offering what would be refused: nothing with
 * authentication off (there is nobody to be), nothing to an anonymous visitor.
 */
import { serverFacts } from './server-facts.js';
import { capabilities, session, type SessionUser } from './session.js';
import { useStore } from './store.js';

/** The signed-in user when management may be offered, else null. */
export function useManager(): SessionUser | null {
  const { auth } = useStore(serverFacts);
  const user = useStore(session);
  return auth === 'off' ? null : user;
}

/** Does a project's `permissions` list (from the API) hold `action`? Administrators may do everything. */
export function allows(user: SessionUser | null, permissions: readonly string[] | undefined, action: string): boolean {
  if (!user) return false;
  return user.admin || (permissions ?? []).includes(action);
}

/**
 * Can projects, repositories and artifacts be read here: with accounts, or with auth off (the
 * registry is open to anyone, so is reading it); undefined until the server has said.
 */
export function useBrowsable(): boolean | undefined {
  const caps = useStore(capabilities);
  return caps ? caps.accounts || caps.authMode === 'off' : undefined;
}
