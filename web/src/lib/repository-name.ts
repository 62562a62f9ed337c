/**
 * A repository's full name and the URL segment below its project. The segment is the part
 * below the project (`team/tools/app` → `tools/app`), except in `library`, the project of
 * one-component names (`busybox`, as `docker push HOST/busybox` makes them): there the segment
 * is the whole name, so `busybox` and `library/busybox` keep different URLs.
 */

/** The project that one-component repository names belong to (src/admin/names.ts). */
const LIBRARY = 'library';

/** The URL segment of repository `name` below `project`. */
export function inProject(project: string, name: string): string {
  if (project === LIBRARY) return name;
  return name.startsWith(`${project}/`) ? name.slice(project.length + 1) : name;
}

/** The full repository name a URL segment names (what the API's `{repository}` wants). */
export function fullName(project: string, segment: string): string {
  return project === LIBRARY ? segment : `${project}/${segment}`;
}
