/** Who is acting: a user or a robot account, as the management services see them. */
import type { RobotPermission } from '../db/robots.js';

/** A signed-in user. */
export interface UserPrincipal {
  kind: 'user';
  id: number;
  name: string;
  /** A system administrator: every action on every project and on the registry. */
  admin: boolean;
}

/** A robot account. */
export interface RobotPrincipal {
  kind: 'robot';
  id: number;
  name: string;
  /** The project of a project robot; null for a system robot. */
  projectId: number | null;
  permissions: readonly RobotPermission[];
}

/** A user or a robot (undefined where a principal is optional stands for anonymous). */
export type Principal = UserPrincipal | RobotPrincipal;

/** How a principal is named in messages: `user alice`, `robot robot+team+ci`, `anonymous`. */
export function describe(p: Principal | undefined): string {
  return p ? `${p.kind} ${p.name}` : 'anonymous';
}
