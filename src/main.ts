#!/usr/bin/env -S node --max-semi-space-size=4
/**
 * The berth command line: a table of subcommands (src/cli/, one file per group).
 * The shebang's V8 flag keeps the young generation small: under thousands of small requests
 * a second, V8's default let garbage reach the old space and resident memory grow by ~30 MiB
 * for ~2% of throughput (measured). `npm start`, the Dockerfile and the bench use the same.
 */
import { UsageError, type Command } from './cli/command.js';
import { configCommand } from './cli/config.js';
import { healthCommand } from './cli/health.js';
import { serveCommand } from './cli/serve.js';
import { dbCommand } from './cli/db.js';
import { indexCommand } from './cli/index.js';
import { gcCommand, uploadsCommand } from './cli/gc.js';
import { repoCommand } from './cli/repo.js';
import { projectCommand } from './cli/project.js';
import { readonlyCommand } from './cli/readonly.js';
import { robotCommand } from './cli/robot.js';
import { userCommand } from './cli/user.js';
import { ConfigError } from './config/load.js';
import { StorageUnavailableError } from './storage/driver.js';
import { MigrationError } from './db/migrate.js';
import { StartError } from './ops/start-error.js';

/** Every subcommand, in the order `berth help` lists them. */
const COMMANDS: readonly Command[] = [
  serveCommand,
  configCommand,
  healthCommand,
  readonlyCommand,
  gcCommand,
  repoCommand,
  uploadsCommand,
  dbCommand,
  indexCommand,
  userCommand,
  projectCommand,
  robotCommand,
];

function usage(): string {
  return `usage:\n${COMMANDS.flatMap((c) => c.usage.map((u) => `  ${u}\n`)).join('')}`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(usage());
    return name === undefined || name === '--help' || name === 'help' ? 0 : 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`berth: ${err.message}\n${usage()}`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(
      err instanceof ConfigError || err instanceof StorageUnavailableError || err instanceof MigrationError || err instanceof StartError
        ? `berth: ${err.message}\n`
        : `berth: ${(err as Error)?.stack ?? String(err)}\n`,
    );
    process.exit(1);
  },
);
