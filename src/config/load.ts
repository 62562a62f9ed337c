/** Reading, overriding and validating the configuration. */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { ZodIssue } from 'zod';
import { configSchema, type Config } from './schema.js';
import { applyEnvOverrides, ENV_PREFIX } from './env.js';

/** A configuration that cannot be used; the message names every offending key. */
export class ConfigError extends Error {}

/** Validate raw (parsed YAML) content after applying environment overrides. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = {}, source = 'config'): Config {
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${source}: the top level must be a mapping`);
  const merged = applyEnvOverrides(raw as Record<string, unknown>, env);
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(`${source}: invalid configuration:\n${result.error.issues.map(describeIssue).join('\n')}`);
  }
  return result.data;
}

/** Load a YAML file (or only defaults when `file` is undefined) plus the environment. */
export async function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
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
  return parseConfig(raw, env, file ?? 'defaults');
}

function describeIssue(issue: ZodIssue): string {
  const key = issue.path.join('.') || '(top level)';
  const env = issue.path.length > 0 ? ` (env ${ENV_PREFIX}${issue.path.join('_').toUpperCase()})` : '';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `  - ${[...issue.path, k].join('.')}: unknown key`).join('\n');
  }
  return `  - ${key}: ${issue.message}${env}`;
}
