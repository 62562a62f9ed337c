/**
 * Who a login is: the token server asks an Authenticator, so that the config file's users and
 * the database's accounts (users and robots) sit behind one interface. Each authenticator
 * answers only for the names it knows; a chain asks them in order.
 */
import { DEFAULT_COST, typicalCost, type PasswordChecker } from './passwords.js';
import type { Subject } from './policy.js';
import type { TokenServerConfig } from '../config/security-schema.js';

/** A login that succeeded, or one refused with a message the client may see. */
export type LoginResult = { subject: Subject } | { refused: string };

/** The message for wrong credentials: the same for an unknown name and a wrong password. */
export const BAD_CREDENTIALS = 'incorrect username or password';

/** Checks credentials for the token server. */
export interface Authenticator {
  /** The subject for `name` and `password`; undefined when `name` is not this authenticator's. */
  login(name: string, password: string): Promise<LoginResult | undefined>;
  /**
   * The subject a refresh token names, if it may still have tokens (not disabled, credential
   * unchanged since `stamp`); undefined when `name` is not this authenticator's.
   */
  resume(name: string, stamp: string | undefined): Promise<LoginResult | undefined>;
  /** The bcrypt cost of this authenticator's password hashes (what an unknown name must cost). */
  cost(): number;
}

/** The users written in `auth.token.server.users` (bcrypt hashes and groups). */
export function configAuthenticator(users: TokenServerConfig['users'], passwords: PasswordChecker): Authenticator {
  const userOf = (name: string) => (Object.hasOwn(users, name) ? users[name] : undefined);
  const cost = typicalCost(Object.values(users).map((u) => u.password));
  return {
    cost: () => cost,
    async login(name, password) {
      const user = userOf(name);
      if (!user) return undefined;
      if (!(await passwords.verify(user.password, password))) return { refused: BAD_CREDENTIALS };
      return { subject: { name, groups: user.groups, kind: 'user' } };
    },
    async resume(name) {
      const user = userOf(name);
      return user ? { subject: { name, groups: user.groups, kind: 'user' } } : undefined;
    },
  };
}

/**
 * Ask `list` in order; the first that knows the name answers. A name nobody knows still costs
 * one bcrypt check at the cost of the last authenticator's hashes (the accounts', when on, where
 * most users live), so its answer takes as long as a wrong password's.
 */
export function chainAuthenticators(list: readonly Authenticator[], passwords: PasswordChecker): Authenticator {
  const cost = (): number => list[list.length - 1]?.cost() ?? DEFAULT_COST;
  return {
    cost,
    async login(name, password) {
      for (const a of list) {
        const r = await a.login(name, password);
        if (r) return r;
      }
      await passwords.refuse(password, cost());
      return { refused: BAD_CREDENTIALS };
    },
    async resume(name, stamp) {
      for (const a of list) {
        const r = await a.resume(name, stamp);
        if (r) return r;
      }
      return { refused: BAD_CREDENTIALS };
    },
  };
}
