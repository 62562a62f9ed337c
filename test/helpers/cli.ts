/** Run a berth command in this process, as the command line would, capturing what it writes. */
import { io } from '../../src/cli/admin-context.js';
import type { Command } from '../../src/cli/command.js';

/** Run `command` with `args`; its exit code, stdout and stderr. */
export async function runCommand(command: Command, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...io };
  io.out = (t) => void out.push(t);
  io.err = (t) => void err.push(t);
  try {
    const code = await command.run(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    Object.assign(io, saved);
  }
}
