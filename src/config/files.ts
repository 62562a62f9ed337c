/** Reading files that configuration keys name, with failures reported as ConfigErrors naming the key. */
import { readFileSync } from 'node:fs';
import { ConfigError } from './load.js';

/** Read the file at `path` (named by config key `key`) and parse it; any failure names the key. */
export function readConfigured<T>(key: string, path: string, parse: (text: Buffer) => T): T {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${key}: cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return parse(data);
  } catch (err) {
    throw new ConfigError(`${key}: ${path}: ${(err as Error).message}`);
  }
}
