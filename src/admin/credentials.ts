/**
 * One door for credentials: a user name and password, or a robot name and secret, become a
 * principal or a refusal. The token server and the management API both authenticate here.
 */
import type { PasswordChecker } from '../auth/passwords.js';
import { INVALID_CREDENTIALS, userPrincipal, type AccountService, type Authentication } from './accounts.js';
import { isRobotName } from './names.js';
import type { Principal } from './principal.js';
import { robotPrincipal, type RobotService } from './robots.js';
import type { Stores } from '../db/stores.js';

/** Authenticates users and robots. */
export class CredentialService {
  constructor(
    private readonly stores: Stores,
    private readonly accounts: AccountService,
    private readonly robots: RobotService,
    private readonly passwords: PasswordChecker,
  ) {}

  /** The bcrypt cost of users' password hashes: what refusing an unknown name costs. */
  get cost(): number {
    return this.accounts.cost;
  }

  /** Check a login; undefined when no user or robot has that name. */
  check(name: string, secret: string): Promise<Authentication<Principal> | undefined> {
    return isRobotName(name) ? this.robots.authenticate(name, secret) : this.accounts.authenticate(name, secret);
  }

  /**
   * Check a login and always answer: an unknown name is refused like a wrong password, after
   * the same bcrypt work, so the time taken does not tell whether a user exists.
   */
  async authenticate(name: string, secret: string): Promise<Authentication<Principal>> {
    const result = await this.check(name, secret);
    if (result) return result;
    // Robot secrets are HMACs (microseconds): only user names need the bcrypt work.
    if (!isRobotName(name)) await this.passwords.refuse(secret, this.cost);
    return { ok: false, reason: 'invalid', message: INVALID_CREDENTIALS };
  }

  /** Whether the account a refresh token names may still have tokens; undefined when it is gone. */
  resume(name: string, stamp: string | undefined): Promise<Authentication<Principal> | undefined> {
    return isRobotName(name) ? this.robots.resume(name, stamp) : this.accounts.resume(name, stamp);
  }

  /**
   * The principal named by an already verified token's subject, as it is now: undefined when
   * the account is gone, disabled or expired.
   */
  async principal(name: string): Promise<Principal | undefined> {
    if (isRobotName(name)) {
      const robot = await this.stores.robots.byName(name);
      if (!robot || robot.disabled || (robot.expiresAt && robot.expiresAt.getTime() <= Date.now())) return undefined;
      return robotPrincipal(robot);
    }
    const user = await this.stores.users.byName(name);
    return user && !user.disabled ? userPrincipal(user) : undefined;
  }
}
