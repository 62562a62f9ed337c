/**
 * Who may do what: the policy the token server consults. An interface, so that projects and
 * roles (the management layer) can replace the config-file policy without touching the server.
 */
import type { TokenServerConfig } from '../config/security-schema.js';
import type { Access } from './scope.js';

/** An authenticated account (undefined stands for anonymous). */
export interface Subject {
  name: string;
  groups: readonly string[];
}

/** Decides the actions a subject gets on a resource. */
export interface Policy {
  /** The subset of `requested.actions` that `subject` is allowed (may be empty). */
  grant(subject: Subject | undefined, requested: Access): string[];
}

const REPO_ACTIONS = ['pull', 'push', 'delete'];

/** Compile a repository glob: `*` matches within one path segment, `**` across segments. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The policy written in `auth.token.server`: rules, and anonymous pull on chosen globs. */
export function configPolicy(cfg: Pick<TokenServerConfig, 'rules' | 'anonymous'>): Policy {
  const rules = cfg.rules.map((r) => ({ ...r, globs: r.repositories.map(globToRegExp) }));
  const anonymous = cfg.anonymous.map(globToRegExp);
  return {
    grant(subject, requested) {
      const allowed = new Set<string>();
      if (requested.type === 'repository') {
        if (anonymous.some((g) => g.test(requested.name))) allowed.add('pull');
        for (const r of rules) {
          if (!subject || !applies(r, subject) || !r.globs.some((g) => g.test(requested.name))) continue;
          for (const a of r.actions) for (const x of a === '*' ? REPO_ACTIONS : [a]) allowed.add(x);
        }
      } else if (requested.type === 'registry' && requested.name === 'catalog' && subject) {
        if (rules.some((r) => r.catalog && applies(r, subject))) allowed.add('*');
      }
      if (allowed.has('*')) return requested.actions;
      // "*" asked for means every action this policy grants on the resource.
      return requested.actions.includes('*') ? [...allowed] : requested.actions.filter((a) => allowed.has(a));
    },
  };
}

function applies(r: { users: string[]; groups: string[]; authenticated: boolean }, s: Subject): boolean {
  return r.authenticated || r.users.includes(s.name) || r.groups.some((g) => s.groups.includes(g));
}
