/**
 * Names of users, projects and robots, and which project a repository belongs to.
 *
 * Robot login names are `robot+PROJECT+NAME` (project robots) and `robot+NAME` (system
 * robots). `+` is safe unquoted in every shell and in CI variables (Harbor's `robot$` is not:
 * `$` expands), it is a legal Basic-auth user name character, and no user, project or robot
 * name may contain it, so a robot name can never be a user's and parses one way only.
 */
import { InvalidInputError } from './errors.js';

/** The project of one-component repository names (`busybox` → `library/busybox`'s project), as Docker Hub and Harbor do. */
export const LIBRARY = 'library';

/** Prefix of every robot login name. */
export const ROBOT_PREFIX = 'robot+';

/** User names: lower case letters, digits and `._@-`, starting with a letter or digit, at most 64. */
const USER_RE = /^[a-z0-9][a-z0-9._@-]{0,63}$/;
/** Project and robot names: one repository path component (the distribution spec's grammar). */
const COMPONENT_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;

/** Throw InvalidInputError unless `name` is a valid user name. */
export function checkUserName(name: string): string {
  if (!USER_RE.test(name)) {
    throw new InvalidInputError(
      `invalid user name ${JSON.stringify(name)}: lower case letters, digits and . _ @ -, starting with a letter or digit, at most 64 characters`,
    );
  }
  return name;
}

/** Throw InvalidInputError unless `name` is a valid project name. */
export function checkProjectName(name: string): string {
  if (name.length > 255 || !COMPONENT_RE.test(name)) {
    throw new InvalidInputError(
      `invalid project name ${JSON.stringify(name)}: lower case letters and digits, separated by single . or _, __, or dashes (a repository name's first component)`,
    );
  }
  return name;
}

/** Throw InvalidInputError unless `name` is a valid robot name (the part after the prefix and project). */
export function checkRobotName(name: string): string {
  if (name.length > 64 || !COMPONENT_RE.test(name)) {
    throw new InvalidInputError(
      `invalid robot name ${JSON.stringify(name)}: lower case letters and digits, separated by . _ or -, at most 64 characters`,
    );
  }
  return name;
}

/** The login name of robot `name`, of `project` or system-wide (project undefined). */
export function robotLoginName(name: string, project?: string): string {
  return project === undefined ? `${ROBOT_PREFIX}${name}` : `${ROBOT_PREFIX}${project}+${name}`;
}

/** Whether a login name is a robot's. */
export const isRobotName = (name: string): boolean => name.startsWith(ROBOT_PREFIX);

/** The project a repository belongs to: its first path component, or `library` for a one-component name. */
export function projectOf(repository: string): string {
  const slash = repository.indexOf('/');
  return slash < 0 ? LIBRARY : repository.slice(0, slash);
}
