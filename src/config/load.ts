/**
 * Reading, overriding, translating (registry:2 keys) and validating the configuration. An
 * error names the key and where its value came from: the file, or the environment variable.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { ZodIssue } from 'zod';
import { configSchema, type Config } from './schema.js';
import { applyOverrides, envOverrides, REGISTRY_PREFIX, type EnvSources } from './env.js';
import { knowsKey } from './schema-keys.js';
import { Registry2KeyError, translateRegistry2 } from './registry2.js';
import { isRegistry2Key, RENAMED_KEYS } from './registry2-keys.js';

/** A configuration that cannot be used; the message names every offending key. */
export class ConfigError extends Error {}

/** A validated configuration and the notices to log once at start (ignored registry:2 keys). */
export interface LoadedConfig {
  config: Config;
  notices: string[];
}

/** Validate raw (parsed YAML) content after applying environment overrides. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = {}, source = 'config'): Config {
  return parseConfigDetailed(raw, env, source).config;
}

/** parseConfig, also returning the notices; `file` names the file the raw content came from. */
export function parseConfigDetailed(raw: unknown, env: NodeJS.ProcessEnv = {}, source = 'config', file?: string): LoadedConfig {
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${source}: the top level must be a mapping`);
  const notices: string[] = [];
  const knows = (path: readonly string[]) => knowsKey(configSchema, path);
  // As registry:2 does, a REGISTRY_* variable that names no key is skipped, not an error.
  const overrides = envOverrides(env).filter((o) => {
    if (!o.name.startsWith(REGISTRY_PREFIX) || knows(o.path) || isRegistry2Key(o.path) || o.path.join('.') === 'storage') return true;
    notices.push(`${o.name}: ignored (not a configuration key)`);
    return false;
  });
  const sources: EnvSources = new Map();
  const merged = applyOverrides(raw as Record<string, unknown>, overrides, sources);
  const where = new Origins(sources, new Map(), file);
  let translated;
  try {
    translated = translateRegistry2(merged, knows);
  } catch (err) {
    if (!(err instanceof Registry2KeyError)) throw err;
    throw new ConfigError(`${source}: invalid configuration:\n  - ${err.message} (${where.of(err.key.split('.'))})`);
  }
  where.renamed = translated.renamed;
  const result = configSchema.safeParse(translated.raw);
  if (!result.success) {
    throw new ConfigError(`${source}: invalid configuration:\n${result.error.issues.map((i) => describeIssue(i, where)).join('\n')}`);
  }
  return { config: result.data, notices: [...notices, ...translated.notices] };
}

/** Load a YAML file (or only defaults when `file` is undefined) plus the environment. */
export async function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  return (await loadConfigDetailed(file, env)).config;
}

/** loadConfig, also returning the notices to log at start. */
export async function loadConfigDetailed(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  let raw: unknown = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`${file}: cannot read: ${(err as Error).message}`);
    }
    try {
      raw = parseYaml(text);
    } catch (err) {
      throw new ConfigError(`${file}: not valid YAML: ${(err as Error).message}`);
    }
  }
  return parseConfigDetailed(raw, env, file ?? 'defaults', file);
}

/** Where the value at a key path came from. */
class Origins {
  constructor(
    private readonly env: EnvSources,
    public renamed: Map<string, string>,
    private readonly file: string | undefined,
  ) {}

  /** "env BERTH_X", "file config.yml" or "default", for the value at `path`. */
  of(path: readonly (string | number)[]): string {
    for (let i = path.length; i > 0; i--) {
      const key = path.slice(0, i).join('.');
      const name = this.env.get(this.renamed.get(key) ?? key);
      if (name) return `env ${name}`;
    }
    // An unknown section made by a variable (BERTH_BOGUS_X makes "bogus").
    const below = `${path.join('.')}.`;
    for (const [key, name] of this.env) if (key.startsWith(below)) return `env ${name}`;
    return this.file ? `file ${this.file}` : 'default';
  }

  /** The registry:2 key a Berth key was written as, if it was translated. */
  writtenAs(path: readonly (string | number)[]): string | undefined {
    for (let i = path.length; i > 0; i--) {
      const from = this.renamed.get(path.slice(0, i).join('.'));
      if (from) return from;
    }
    return undefined;
  }
}

function describeIssue(issue: ZodIssue, where: Origins): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((k) => {
        const path = [...issue.path, k];
        const hint = RENAMED_KEYS[path.join('.')];
        return `  - ${path.join('.')}: unknown key (${where.of(path)})${hint ? `; Berth writes it as ${hint}` : ''}`;
      })
      .join('\n');
  }
  const key = issue.path.join('.') || '(top level)';
  const from = where.writtenAs(issue.path);
  const shown = from ? `${from} (registry:2 key; Berth writes it as ${RENAMED_KEYS[from] ?? key})` : key;
  const missing = issue.code === 'invalid_type' && issue.received === 'undefined';
  const origin = missing ? 'not set' : where.of(issue.path);
  return `  - ${shown}: ${issue.message}${issue.path.length > 0 ? ` (${origin})` : ''}`;
}
