/**
 * What the account commands (user, project, robot, db) share: the database the configuration
 * names, opened and migrated for one command and closed after it (so they work while a server
 * runs on the same database), refusals printed as one line, passwords read from stdin, tables.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConflictError, InvalidInputError, NotFoundError } from '../admin/errors.js';
import { createServices, type AdminServices } from '../admin/setup.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { AlreadyExistsError } from '../db/errors.js';
import { openDatabase } from '../db/database.js';
import { UsageError } from './command.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Where the account commands write (tests capture it here rather than on process.stdout). */
export const io = {
  out: (text: string): void => void process.stdout.write(text),
  err: (text: string): void => void process.stderr.write(text),
};

/** Parse `args` with `options` plus --config; positionals are returned in order. */
export function parseCommand<O extends Options>(args: string[], options: O) {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, config: { type: 'string', short: 'c' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals: parsed.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The config file from --config, else BERTH_CONFIG, else none (defaults + BERTH_* env). */
export async function commandConfig(values: Record<string, unknown>): Promise<Config> {
  const file = typeof values['config'] === 'string' ? values['config'] : process.env['BERTH_CONFIG'];
  return loadConfig(file);
}

/**
 * Run `fn` with the services over the configured database. A refusal (bad name, unknown user,
 * name taken, last administrator) is printed as `berth: MESSAGE` with exit code 1.
 */
export async function withServices(
  values: Record<string, unknown>,
  fn: (s: AdminServices, config: Config) => Promise<void>,
): Promise<number> {
  const config = await commandConfig(values);
  const db = await openDatabase(config);
  try {
    await fn(await createServices(db, config), config);
    return 0;
  } catch (err) {
    if (
      err instanceof InvalidInputError ||
      err instanceof NotFoundError ||
      err instanceof AlreadyExistsError ||
      err instanceof ConflictError
    ) {
      io.err(`berth: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

/** Everything on stdin without the final line break (for --password-stdin). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Rows as aligned columns, the first row being the header. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

/** Print `value` as JSON (for --json) or `text`. */
export function print(json: boolean, value: unknown, text: () => string): void {
  io.out(json ? `${JSON.stringify(value, null, 2)}\n` : text());
}

/** The word after the group name, checked against `verbs`. */
export function verb(positionals: string[], verbs: readonly string[], group: string): string {
  const v = positionals[0];
  if (v === undefined || !verbs.includes(v)) throw new UsageError(`expected: berth ${group} ${verbs.join('|')} ...`);
  return v;
}

/** Positional argument `i` (after the verb), or a usage error naming `what`. */
export function arg(positionals: string[], i: number, what: string): string {
  const v = positionals[i];
  if (v === undefined) throw new UsageError(`missing ${what}`);
  return v;
}
