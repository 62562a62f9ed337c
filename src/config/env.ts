/**
 * Environment overrides, Distribution style: BERTH_STORAGE_DELETE_ENABLED=true sets
 * storage.delete.enabled, and REGISTRY_* (registry:2's prefix) works as an alias, so a
 * `docker run -e REGISTRY_PROXY_REMOTEURL=…` line carries over. BERTH_* wins over REGISTRY_*.
 * Values are parsed as YAML scalars (so "true" and "5" are typed) and applied onto the raw file
 * content before validation, so the schema judges them too; where each value came from is kept
 * so an error can name the variable.
 */
import { parse as parseYaml } from 'yaml';

/** Prefix of every override variable. */
export const ENV_PREFIX = 'BERTH_';
/** registry:2's prefix, read as an alias of ENV_PREFIX. */
export const REGISTRY_PREFIX = 'REGISTRY_';
/**
 * Variables with either prefix that are not configuration keys: BERTH_CONFIG names the file,
 * BERTH_ADMIN_PASSWORD is the first administrator's password (read once, never a config key).
 */
const NOT_KEYS = new Set(['BERTH_CONFIG', 'BERTH_ADMIN_PASSWORD']);
/** Storage drivers `BERTH_STORAGE=s3` (registry:2: `REGISTRY_STORAGE=s3`) may select. */
const DRIVER_NAMES = new Set(['filesystem', 'inmemory', 's3', 'azure', 'gcs', 'swift', 'oss']);

type Raw = Record<string, unknown>;

/** Where overridden values came from: dotted key path → variable name. */
export type EnvSources = Map<string, string>;

/** One variable that names a configuration key. */
export interface EnvOverride {
  name: string;
  path: string[];
  value: string;
}

/** The override variables of `env`, REGISTRY_* first so that BERTH_* applied after them wins. */
export function envOverrides(env: NodeJS.ProcessEnv): EnvOverride[] {
  const out: EnvOverride[] = [];
  for (const prefix of [REGISTRY_PREFIX, ENV_PREFIX]) {
    for (const [name, value] of Object.entries(env).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!name.startsWith(prefix) || NOT_KEYS.has(name) || value === undefined) continue;
      const path = name.slice(prefix.length).toLowerCase().split('_').filter(Boolean);
      if (path.length > 0) out.push({ name, path, value });
    }
  }
  return out;
}

/** Apply `overrides` onto a copy of `raw`, recording in `sources` which variable set each path. */
export function applyOverrides(raw: Raw, overrides: readonly EnvOverride[], sources: EnvSources = new Map()): Raw {
  const out: Raw = structuredClone(raw);
  for (const { name, path, value } of overrides) {
    if (path.length === 1 && path[0] === 'storage' && DRIVER_NAMES.has(value)) {
      selectDriver(out, value);
      sources.set(`storage.${value}`, name);
      continue;
    }
    let node: Raw = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null) node[key] = {};
      node = node[key] as Raw;
    }
    node[path[path.length - 1]!] = parseScalar(value);
    sources.set(path.join('.'), name);
  }
  return out;
}

/** Apply every BERTH_* and REGISTRY_* variable of `env` onto a copy of `raw`. */
export function applyEnvOverrides(raw: Raw, env: NodeJS.ProcessEnv, sources?: EnvSources): Raw {
  return applyOverrides(raw, envOverrides(env), sources);
}

/** `REGISTRY_STORAGE=s3`: the named driver replaces whichever driver the file configured. */
function selectDriver(raw: Raw, driver: string): void {
  const storage = typeof raw['storage'] === 'object' && raw['storage'] !== null ? (raw['storage'] as Raw) : {};
  for (const name of DRIVER_NAMES) if (name !== driver) delete storage[name];
  storage[driver] ??= {};
  raw['storage'] = storage;
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
