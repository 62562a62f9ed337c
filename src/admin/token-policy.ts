/**
 * How accounts reach the token server: an Authenticator for logins and refresh tokens, and a
 * Policy answering each requested scope by the role table. A subject the accounts authenticated
 * keeps its principal (looked up by identity), so a config-file user of the same name never
 * borrows a database account's rights.
 */
import type { Authenticator, LoginResult } from '../auth/authenticator.js';
import type { Policy, Subject } from '../auth/policy.js';
import type { Authentication } from './accounts.js';
import type { Authorizer } from './authorizer.js';
import type { CredentialService } from './credentials.js';
import { describe, type Principal } from './principal.js';

/** The accounts' side of the token server. */
export interface AccountsAuth {
  authenticator: Authenticator;
  policy: Policy;
}

/** Token-server adapters over the credential service and the authorizer. */
export function accountsAuth(credentials: CredentialService, authorizer: Authorizer): AccountsAuth {
  const principals = new WeakMap<Subject, Principal>();
  const toLogin = (result: Authentication<Principal> | undefined): LoginResult | undefined => {
    if (!result) return undefined;
    if (!result.ok) return { refused: result.message };
    const subject: Subject = { name: result.principal.name, groups: [], kind: result.principal.kind, stamp: result.stamp };
    principals.set(subject, result.principal);
    return { subject };
  };
  return {
    authenticator: {
      login: async (name, password) => toLogin(await credentials.check(name, password)),
      resume: async (name, stamp) => toLogin(await credentials.resume(name, stamp)),
      cost: () => credentials.cost,
    },
    policy: {
      async grant(subject, requested) {
        // Everyone may ask for the catalog: it lists only what the caller may pull (visibility.ts).
        if (requested.type === 'registry' && requested.name === 'catalog') return { actions: requested.actions };
        const principal = subject ? principals.get(subject) : undefined;
        // The operations endpoints (/_berth): system administrators only.
        if (requested.type === 'registry' && requested.name === 'berth') {
          if (principal?.kind === 'user' && principal.admin) return { actions: requested.actions };
          return { actions: [], reason: `${describe(principal)} is not an administrator` };
        }
        if (requested.type !== 'repository') return { actions: [] };
        const grant = await authorizer.repositoryAccess(principal, requested.name, requested.actions);
        // A config-file user is no account: it gets what anyone gets here, and the reason is the config policy's to give.
        return subject && !principal ? { actions: grant.actions } : grant;
      },
    },
  };
}
