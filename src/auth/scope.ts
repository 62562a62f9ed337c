/**
 * Docker token-auth scopes: `type[(class)]:name:action[,action...]`. The name sits between the
 * first and the last colon, so names holding `host:port` (a proxy cache's upstream) parse.
 */
import { TokenRequestInvalidError } from './errors.js';

/** One resource and the actions asked for or granted on it (the JWT `access` entry shape). */
export interface Access {
  type: string;
  name: string;
  actions: string[];
}

const TYPE_RE = /^[a-z0-9]+(?:\([a-z0-9]+\))?$/;

/** Parse one scope; throws TokenRequestInvalidError on a malformed one. */
export function parseScope(scope: string): Access {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) throw new TokenRequestInvalidError(`malformed scope: ${scope}`);
  const type = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter((a) => a !== '');
  if (!TYPE_RE.test(type) || name === '') throw new TokenRequestInvalidError(`malformed scope: ${scope}`);
  // The resource class ("repository(plugin)") does not change what is granted here.
  return { type: type.replace(/\(.*\)$/, ''), name, actions: unique(actions) };
}

/** Parse every scope of a request: the values may repeat and each may hold several, space separated. */
export function parseScopes(values: readonly string[]): Access[] {
  return mergeAccess(
    values
      .flatMap((v) => v.split(' '))
      .filter((s) => s !== '')
      .map(parseScope),
  );
}

/** Merge entries naming the same resource, keeping the order of first appearance. */
export function mergeAccess(list: readonly Access[]): Access[] {
  const out = new Map<string, Access>();
  for (const a of list) {
    const key = `${a.type}:${a.name}`;
    const seen = out.get(key);
    out.set(key, seen ? { ...seen, actions: unique([...seen.actions, ...a.actions]) } : { ...a, actions: unique(a.actions) });
  }
  return [...out.values()];
}

/** The scope string of an access entry, as a challenge's `scope=` carries it. */
export function formatScope(a: Access): string {
  return `${a.type}:${a.name}:${a.actions.join(',')}`;
}

/** Whether `granted` covers every action of every entry in `needed` (`*` covers all). */
export function covers(granted: readonly Access[], needed: readonly Access[]): boolean {
  return needed.every((n) => {
    const g = granted.filter((x) => x.type === n.type && x.name === n.name).flatMap((x) => x.actions);
    return g.includes('*') || n.actions.every((action) => g.includes(action));
  });
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}
