/**
 * `BERTH_*` environment overrides, Distribution style: BERTH_STORAGE_DELETE_ENABLED=true sets
 * storage.delete.enabled. Values are parsed as YAML scalars (so "true" and "5" are typed) and
 * applied onto the raw file content before validation, so the schema judges them too.
 */
import { parse as parseYaml } from 'yaml';

/** Prefix of every override variable. */
export const ENV_PREFIX = 'BERTH_';
/** BERTH_* variables that are not configuration keys (BERTH_CONFIG names the file). */
const NOT_KEYS = new Set(['BERTH_CONFIG']);

type Raw = Record<string, unknown>;

/** Apply every BERTH_* variable of `env` onto a copy of `raw`. */
export function applyEnvOverrides(raw: Raw, env: NodeJS.ProcessEnv): Raw {
  const out: Raw = structuredClone(raw);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || NOT_KEYS.has(name) || value === undefined) continue;
    const path = name.slice(ENV_PREFIX.length).toLowerCase().split('_').filter(Boolean);
    if (path.length === 0) continue;
    let node: Raw = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null) node[key] = {};
      node = node[key] as Raw;
    }
    node[path[path.length - 1]!] = parseScalar(value);
  }
  return out;
}

function parseScalar(value: string): unknown {
  if (value === '') return '';
  try {
    const parsed: unknown = parseYaml(value);
    // An override names a leaf: keep strings that only look like structures as strings.
    return typeof parsed === 'object' && parsed !== null ? value : parsed;
  } catch {
    return value;
  }
}
