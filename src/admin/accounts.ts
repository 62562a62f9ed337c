/**
 * Local users: creation with bcrypt passwords, password changes, administrators, disabled
 * accounts, and password logins. At least one active administrator always remains.
 */
import type { PasswordChecker } from '../auth/passwords.js';
import type { Stores } from '../db/stores.js';
import type { User } from '../db/users.js';
import type { ListOptions } from '../db/paging.js';
import { ConflictError, NotFoundError } from './errors.js';
import { checkUserName } from './names.js';
import type { UserPrincipal } from './principal.js';
import { BCRYPT_COST, checkPassword, credentialStamp, hashPassword } from './secrets.js';

/** The outcome of checking credentials: a principal, or why not (a message the client may see). */
export type Authentication<P> =
  { ok: true; principal: P; stamp: string } | { ok: false; reason: 'invalid' | 'disabled' | 'expired'; message: string };

/** The message for a wrong name or password (never says which). */
export const INVALID_CREDENTIALS = 'incorrect username or password';

/** The principal of an active user. */
export const userPrincipal = (u: User): UserPrincipal => ({ kind: 'user', id: u.id, name: u.name, admin: u.admin });

/** Manages users. */
export class AccountService {
  constructor(
    private readonly stores: Stores,
    private readonly passwords: PasswordChecker,
    private readonly bcryptCost = BCRYPT_COST,
  ) {}

  /** The bcrypt cost of new password hashes (an unknown name's check costs the same). */
  get cost(): number {
    return this.bcryptCost;
  }

  /** Create a user; throws InvalidInputError for a bad name or password, AlreadyExistsError for a taken name. */
  async create(name: string, password: string, opts: { admin?: boolean } = {}): Promise<User> {
    checkUserName(name);
    checkPassword(password);
    return this.stores.users.create({ name, passwordHash: await hashPassword(password, this.bcryptCost), admin: opts.admin });
  }

  /** The user named `name`; throws NotFoundError. */
  async get(name: string): Promise<User> {
    const user = await this.stores.users.byName(name);
    if (!user) throw new NotFoundError(`no user named ${name}`);
    return user;
  }

  /** A page of users and how many match in all. */
  async list(opts: ListOptions = {}): Promise<{ users: User[]; total: number }> {
    const [users, total] = await Promise.all([this.stores.users.list(opts), this.stores.users.count(opts)]);
    return { users, total };
  }

  /** Set a new password (refresh tokens issued before stop working). */
  async setPassword(name: string, password: string): Promise<User> {
    checkPassword(password);
    const user = await this.get(name);
    return (await this.stores.users.update(user.id, { passwordHash: await hashPassword(password, this.bcryptCost) }))!;
  }

  /** Make a user an administrator or take it back; the last active administrator stays. */
  setAdmin(name: string, admin: boolean): Promise<User> {
    return this.keepingAnAdmin(name, { admin }, `${name} is the last active administrator`);
  }

  /** Disable (no new tokens, at once) or enable a user; the last active administrator stays enabled. */
  setDisabled(name: string, disabled: boolean): Promise<User> {
    return this.keepingAnAdmin(name, { disabled }, `${name} is the last active administrator: it cannot be disabled`);
  }

  /** Remove a user and its memberships; never the last active administrator. */
  async remove(name: string): Promise<void> {
    await this.stores.transaction(async (tx) => {
      const user = await tx.users.byName(name);
      if (!user) throw new NotFoundError(`no user named ${name}`);
      if (user.admin && !user.disabled && (await tx.users.countActiveAdmins()) <= 1) {
        throw new ConflictError(`${name} is the last active administrator: it cannot be removed`);
      }
      await tx.users.remove(user.id);
    });
  }

  /** Check a password login; a disabled user is refused by name only after the right password. */
  async authenticate(name: string, password: string): Promise<Authentication<UserPrincipal> | undefined> {
    const user = await this.stores.users.byName(name);
    if (!user) return undefined;
    if (!(await this.passwords.verify(user.passwordHash, password))) return { ok: false, reason: 'invalid', message: INVALID_CREDENTIALS };
    return this.active(user);
  }

  /** Whether a refresh token's user may still have tokens (exists, enabled, same password as at login). */
  async resume(name: string, stamp: string | undefined): Promise<Authentication<UserPrincipal> | undefined> {
    const user = await this.stores.users.byName(name);
    if (!user) return undefined;
    if (stamp !== credentialStamp(user.passwordHash)) {
      return { ok: false, reason: 'invalid', message: `the password of ${name} changed: log in again` };
    }
    return this.active(user);
  }

  private active(user: User): Authentication<UserPrincipal> {
    if (user.disabled) return { ok: false, reason: 'disabled', message: `account ${user.name} is disabled` };
    return { ok: true, principal: userPrincipal(user), stamp: credentialStamp(user.passwordHash) };
  }

  private keepingAnAdmin(name: string, patch: { admin?: boolean; disabled?: boolean }, refusal: string): Promise<User> {
    return this.stores.transaction(async (tx) => {
      const user = await tx.users.byName(name);
      if (!user) throw new NotFoundError(`no user named ${name}`);
      const losesAdmin = user.admin && !user.disabled && (patch.admin === false || patch.disabled === true);
      if (losesAdmin && (await tx.users.countActiveAdmins()) <= 1) throw new ConflictError(refusal);
      return (await tx.users.update(user.id, patch))!;
    });
  }
}
