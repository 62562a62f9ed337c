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
  /** A user or a robot account (tokens carry it as `kind`). */
  kind?: 'user' | 'robot';
  /**
   * A fingerprint of the credential the subject logged in with, carried by refresh tokens, so
   * that a changed password or robot secret ends the refresh tokens issued before.
   */
  stamp?: string;
}

/** What a policy grants on one resource, and why it withheld the rest (for the registry's denial message). */
export interface Grant {
  actions: string[];
  reason?: string;
}

/** Decides the actions a subject gets on a resource. */
export interface Policy {
  /** The subset of `requested.actions` that `subject` is allowed (may be empty). */
  grant(subject: Subject | undefined, requested: Access): Grant | Promise<Grant>;
}

/** A policy that decides without I/O (the config file's). */
export interface SyncPolicy extends Policy {
  grant(subject: Subject | undefined, requested: Access): Grant;
}

/** Policies side by side: a subject gets what any of them grants; the first reason given explains the rest. */
export function unionPolicy(...policies: Policy[]): Policy {
  return {
    async grant(subject, requested) {
      const grants = await Promise.all(policies.map((p) => p.grant(subject, requested)));
      const actions = [...new Set(grants.flatMap((g) => g.actions))];
      if (actions.includes('*') || requested.actions.every((a) => actions.includes(a))) return { actions };
      return { actions, reason: grants.find((g) => g.reason !== undefined)?.reason };
    },
  };
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

/** The policy written in `auth.token.server`: rules, and anonymous pull on chosen globs (decided without I/O). */
export function configPolicy(cfg: Pick<TokenServerConfig, 'rules' | 'anonymous'>): SyncPolicy {
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
      } else if (requested.type === 'registry' && requested.name === 'berth' && subject) {
        if (rules.some((r) => r.operations && applies(r, subject))) allowed.add('*');
      }
      if (allowed.has('*')) return { actions: requested.actions };
      // "*" asked for means every action this policy grants on the resource.
      return { actions: requested.actions.includes('*') ? [...allowed] : requested.actions.filter((a) => allowed.has(a)) };
    },
  };
}

function applies(r: { users: string[]; groups: string[]; authenticated: boolean }, s: Subject): boolean {
  return r.authenticated || r.users.includes(s.name) || r.groups.some((g) => s.groups.includes(g));
}
