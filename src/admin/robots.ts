/**
 * Robot accounts: per project (permissions on that project) or system-wide (permissions on
 * chosen projects or on all, `*`). The secret is shown once, at creation or refresh, and stored
 * as a keyed hash; an expired or disabled robot gets no new token.
 */
import type { Robot, RobotPermission } from '../db/robots.js';
import type { Stores } from '../db/stores.js';
import { INVALID_CREDENTIALS, type Authentication } from './accounts.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import { checkProjectName, checkRobotName, robotLoginName } from './names.js';
import type { RobotPrincipal } from './principal.js';
import { parseRepositoryActions } from './roles.js';
import { credentialStamp, newRobotSecret, robotSecretHash, robotSecretMatches } from './secrets.js';

/** Options of a new robot. */
export interface RobotOptions {
  /** When it stops working; null or absent: never. Must lie in the future. */
  expiresAt?: Date | null;
  description?: string;
}

/** A robot and its secret, which is shown this once. */
export interface RobotWithSecret {
  robot: Robot;
  secret: string;
}

/** The principal of a robot. */
export const robotPrincipal = (r: Robot): RobotPrincipal => ({
  kind: 'robot',
  id: r.id,
  name: r.name,
  projectId: r.projectId,
  permissions: r.permissions,
});

/** Manages robot accounts. */
export class RobotService {
  /** `secretKey` keys the secret hashes (generated once, kept in the settings table). */
  constructor(
    private readonly stores: Stores,
    private readonly secretKey: string,
  ) {}

  /** A robot of `project` with `actions` (pull, push, delete) there; its login name is robot+PROJECT+NAME. */
  async createForProject(project: string, name: string, actions: readonly string[], opts: RobotOptions = {}): Promise<RobotWithSecret> {
    checkRobotName(name);
    const p = await this.stores.projects.byName(project);
    if (!p) throw new NotFoundError(`no project named ${project}`);
    return this.insert(robotLoginName(name, p.name), p.id, [{ namespace: p.name, actions: parseRepositoryActions(actions) }], opts);
  }

  /** A system robot with permissions on several projects (`*`: every project); its login name is robot+NAME. */
  async createSystem(name: string, permissions: readonly RobotPermission[], opts: RobotOptions = {}): Promise<RobotWithSecret> {
    checkRobotName(name);
    return this.insert(robotLoginName(name), null, await this.checkPermissions(permissions), opts);
  }

  /** The robot with login name `name`; throws NotFoundError. */
  async get(name: string): Promise<Robot> {
    const robot = await this.stores.robots.byName(name);
    if (!robot) throw new NotFoundError(`no robot named ${name}`);
    return robot;
  }

  /** Robots of one project (its name), system robots (null) or all (undefined). */
  async list(project?: string | null): Promise<Robot[]> {
    if (project === undefined || project === null) return this.stores.robots.list(project);
    const p = await this.stores.projects.byName(project);
    if (!p) throw new NotFoundError(`no project named ${project}`);
    return this.stores.robots.list(p.id);
  }

  /** A new secret (the old one, and refresh tokens issued with it, stop working at once). */
  async refresh(name: string): Promise<RobotWithSecret> {
    const robot = await this.get(name);
    const secret = newRobotSecret();
    const updated = await this.stores.robots.update(robot.id, { secretHash: robotSecretHash(this.secretKey, secret) });
    return { robot: updated!, secret };
  }

  /** Disable (no new tokens, at once) or enable a robot. */
  async setDisabled(name: string, disabled: boolean): Promise<Robot> {
    return (await this.stores.robots.update((await this.get(name)).id, { disabled }))!;
  }

  /** Change a robot's expiry, description or (system robots) permissions. */
  async update(
    name: string,
    patch: { expiresAt?: Date | null; description?: string; permissions?: readonly RobotPermission[] },
  ): Promise<Robot> {
    const robot = await this.get(name);
    if (patch.expiresAt) checkFuture(patch.expiresAt);
    let permissions: RobotPermission[] | undefined;
    if (patch.permissions) {
      permissions =
        robot.projectId === null
          ? await this.checkPermissions(patch.permissions)
          : [{ namespace: robot.permissions[0]!.namespace, actions: parseRepositoryActions(patch.permissions.flatMap((p) => p.actions)) }];
    }
    return (await this.stores.robots.update(robot.id, { expiresAt: patch.expiresAt, description: patch.description, permissions }))!;
  }

  /** Remove a robot. */
  async remove(name: string): Promise<void> {
    await this.stores.robots.remove((await this.get(name)).id);
  }

  /** Check a robot login; disabled and expired are said only after the right secret. */
  async authenticate(name: string, secret: string): Promise<Authentication<RobotPrincipal> | undefined> {
    const robot = await this.stores.robots.byName(name);
    if (!robot) return undefined;
    if (!robotSecretMatches(this.secretKey, secret, robot.secretHash))
      return { ok: false, reason: 'invalid', message: INVALID_CREDENTIALS };
    return active(robot);
  }

  /** Whether a refresh token's robot may still have tokens (exists, enabled, not expired, same secret). */
  async resume(name: string, stamp: string | undefined): Promise<Authentication<RobotPrincipal> | undefined> {
    const robot = await this.stores.robots.byName(name);
    if (!robot) return undefined;
    if (stamp !== credentialStamp(robot.secretHash)) {
      return { ok: false, reason: 'invalid', message: `the secret of ${name} was refreshed: log in with the new one` };
    }
    return active(robot);
  }

  private async insert(
    name: string,
    projectId: number | null,
    permissions: RobotPermission[],
    opts: RobotOptions,
  ): Promise<RobotWithSecret> {
    if (opts.expiresAt) checkFuture(opts.expiresAt);
    const secret = newRobotSecret();
    const robot = await this.stores.robots.create({
      name,
      projectId,
      description: opts.description,
      secretHash: robotSecretHash(this.secretKey, secret),
      expiresAt: opts.expiresAt ?? null,
      permissions,
    });
    return { robot, secret };
  }

  /** System robot permissions: each on `*` or an existing project, actions normalised, one entry per project. */
  private async checkPermissions(permissions: readonly RobotPermission[]): Promise<RobotPermission[]> {
    if (permissions.length === 0)
      throw new InvalidInputError('a system robot needs at least one permission (PROJECT=ACTIONS or *=ACTIONS)');
    const merged = new Map<string, string[]>();
    for (const p of permissions) merged.set(p.namespace, [...(merged.get(p.namespace) ?? []), ...p.actions]);
    const out: RobotPermission[] = [];
    for (const [namespace, actions] of merged) {
      if (namespace !== '*') {
        checkProjectName(namespace);
        if (!(await this.stores.projects.byName(namespace))) throw new NotFoundError(`no project named ${namespace}`);
      }
      out.push({ namespace, actions: parseRepositoryActions(actions) });
    }
    return out;
  }
}

function checkFuture(at: Date): void {
  if (Number.isNaN(at.getTime()) || at.getTime() <= Date.now()) throw new InvalidInputError('a robot expiry must lie in the future');
}

function active(robot: Robot): Authentication<RobotPrincipal> {
  if (robot.disabled) return { ok: false, reason: 'disabled', message: `robot account ${robot.name} is disabled` };
  if (robot.expiresAt && robot.expiresAt.getTime() <= Date.now()) {
    return { ok: false, reason: 'expired', message: `robot account ${robot.name} expired at ${robot.expiresAt.toISOString()}` };
  }
  return { ok: true, principal: robotPrincipal(robot), stamp: credentialStamp(robot.secretHash) };
}
