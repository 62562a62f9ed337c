/**
 * The UI's URLs: one table of named routes. Each `:param` is one path segment, percent-decoded;
 * a repository name below its project (which may hold slashes) is one encoded segment, so
 * `tools/app` in project `team` lives at /projects/team/repositories/tools%2Fapp.
 */

/** Every page of the UI. */
export const ROUTES = [
  { name: 'projects', pattern: '/projects' },
  { name: 'project', pattern: '/projects/:project' },
  { name: 'project-members', pattern: '/projects/:project/members' },
  { name: 'project-robots', pattern: '/projects/:project/robots' },
  { name: 'project-settings', pattern: '/projects/:project/settings' },
  { name: 'repository', pattern: '/projects/:project/repositories/:repository' },
  { name: 'artifact', pattern: '/projects/:project/repositories/:repository/artifacts/:reference' },
  { name: 'users', pattern: '/users' },
  { name: 'audit', pattern: '/audit' },
  { name: 'system', pattern: '/system' },
  { name: 'import', pattern: '/import' },
  { name: 'sign-in', pattern: '/sign-in' },
] as const;

/** A route's name. */
export type RouteName = (typeof ROUTES)[number]['name'];

/** The page a path shows, with its decoded parameters. */
export interface Match {
  name: RouteName;
  params: Record<string, string>;
}

/** Where `/` goes. */
export const HOME = '/projects';

/** The route for a pathname, or undefined (a page that does not exist, or a malformed escape). */
export function matchRoute(pathname: string): Match | undefined {
  const parts = pathname.replace(/\/+$/, '').split('/').slice(1);
  for (const route of ROUTES) {
    const pattern = route.pattern.split('/').slice(1);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const want = pattern[i]!;
      const got = parts[i]!;
      if (want.startsWith(':')) {
        const value = decode(got);
        if (value === undefined || value === '') ok = false;
        else params[want.slice(1)] = value;
      } else ok = want === got;
    }
    if (ok) return { name: route.name, params };
  }
  return undefined;
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

const seg = encodeURIComponent;

/** Builders for every link the UI makes (so no page assembles a URL by hand). */
export const paths = {
  projects: () => '/projects',
  project: (project: string) => `/projects/${seg(project)}`,
  projectMembers: (project: string) => `/projects/${seg(project)}/members`,
  projectRobots: (project: string) => `/projects/${seg(project)}/robots`,
  projectSettings: (project: string) => `/projects/${seg(project)}/settings`,
  repository: (project: string, repository: string) => `/projects/${seg(project)}/repositories/${seg(repository)}`,
  artifact: (project: string, repository: string, reference: string) =>
    `/projects/${seg(project)}/repositories/${seg(repository)}/artifacts/${seg(reference)}`,
  users: () => '/users',
  audit: () => '/audit',
  system: () => '/system',
  import: () => '/import',
  signIn: (next?: string) => (next ? `/sign-in?next=${seg(next)}` : '/sign-in'),
};

/** Only same-origin paths: `next` comes from the URL, so it must not send anyone elsewhere. */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : HOME;
}
