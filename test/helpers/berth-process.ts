/**
 * Berth as a real process (`node --import tsx src/main.ts serve`), configured only through
 * BERTH_* variables, on a port the OS picks; its address is read from the "listening" log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A running Berth process. */
export interface BerthProcess {
  url: string;
  /** The process id (for its memory in /proc). */
  pid: number;
  stop(): Promise<void>;
  /** Send a signal (SIGHUP, SIGTERM) without waiting. */
  signal(name: NodeJS.Signals): void;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Everything written to stderr so far (the JSON log lines). */
  stderr(): string;
}

/** What a process that failed to start said, and its exit code. */
export interface FailedStart {
  code: number | null;
  stderr: string;
}

function spawnBerth(env: Record<string, string>, uid?: number, script?: string): ChildProcess {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BERTH_')) base[k] = v;
  const args = script ? [script, 'serve'] : ['--import', 'tsx', join('src', 'main.ts'), 'serve'];
  return spawn(process.execPath, args, {
    cwd: ROOT,
    // One process unless a test asks for workers (test/cluster): these tests signal and time one process.
    env: { ...base, BERTH_HTTP_ADDR: '127.0.0.1:0', BERTH_LOG_LEVEL: 'info', BERTH_HTTP_WORKERS: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
}

/**
 * Start Berth with `env` and wait until it listens; `script` runs a built main.js instead of
 * the sources through tsx (whose loader thread alone holds some 60 MB).
 */
export function startBerthProcess(env: Record<string, string>, script?: string): Promise<BerthProcess> {
  const child = spawnBerth(env, undefined, script);
  let stderr = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`berth exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderr += `${line}\n`;
      if (!line.includes('"berth listening"')) return;
      const url = (JSON.parse(line) as { addr: string }).addr;
      resolve({
        url,
        pid: child.pid!,
        signal: (name) => void child.kill(name),
        exited,
        stderr: () => stderr,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((done) => child.once('exit', done));
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** Start Berth with `env` expecting it to refuse to start; its exit code and stderr. */
export function failedStart(env: Record<string, string>, uid?: number): Promise<FailedStart> {
  const child = spawnBerth(env, uid);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    // It started after all: stop it, and let the caller's assertions report what it said.
    if (stderr.includes('"berth listening"')) child.kill('SIGTERM');
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}
