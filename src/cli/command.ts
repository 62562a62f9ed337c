/** The shape of one `berth` subcommand; main.ts holds the table of them. */

/** One subcommand group (`berth serve`, `berth config ...`, `berth user ...`). */
export interface Command {
  /** First word on the command line. */
  name: string;
  /** Usage lines shown by `berth help` (each starts with `berth NAME`). */
  usage: string[];
  /**
   * Run with the words after the name. Resolve with an exit code, or with -1 when the command
   * keeps the process alive (a server) and exits by itself.
   */
  run(args: string[]): Promise<number>;
}

/** A mistake on the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}
