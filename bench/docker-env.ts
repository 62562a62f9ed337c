/**
 * A docker engine for the real-client scenario: test/e2e/setup.sh (run directly) installs the
 * packages when missing and starts a private dockerd on its own state folder, or reuses one
 * that answers. We stop the daemon only when setup.sh says it started it.
 */
import { execFile } from 'node:child_process';

/** A usable docker engine. */
export interface DockerEnv {
  /** DOCKER_HOST of the private daemon. */
  host: string;
  /** Docker client binary. */
  bin: string;
  /** E2E_STATE_DIR used for the daemon. */
  stateDir: string;
  /** Run the docker client; resolves with its output and wall time, rejects with stderr. */
  exec(args: string[], timeoutMs?: number): Promise<{ stdout: string; ms: number }>;
  /** Stop the daemon if we started it. */
  stop(): Promise<void>;
}

function execText(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr.slice(-1500)}`));
      else resolve({ stdout, stderr });
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Start (or reuse) the private dockerd; returns the reason instead when that is not possible. */
export async function startDocker(repoRoot: string, stateDir: string, log: (msg: string) => void): Promise<DockerEnv | string> {
  let out: { stdout: string; stderr: string };
  try {
    log(`starting a private dockerd via test/e2e/setup.sh (E2E_STATE_DIR=${stateDir})`);
    out = await execText('bash', [`${repoRoot}/test/e2e/setup.sh`], { ...process.env, E2E_STATE_DIR: stateDir }, 900_000);
  } catch (err) {
    const last = (err as Error).message.trim().split('\n').slice(-1)[0] ?? '';
    return `skipped: no docker (${last.slice(0, 120)})`;
  }
  const host = /DOCKER_HOST=(\S+)/.exec(out.stdout)?.[1];
  const bin = /E2E_DOCKER=(\S+)/.exec(out.stdout)?.[1];
  if (!host || !bin) return 'skipped: no docker (setup.sh printed no DOCKER_HOST)';
  const startedPid = Number(/# dockerd pid (\d+)/.exec(out.stdout)?.[1] ?? 0);
  const env = { ...process.env, DOCKER_HOST: host };
  return {
    host,
    bin,
    stateDir,
    exec: async (args, timeoutMs = 600_000) => {
      const t = performance.now();
      const { stdout } = await execText(bin, args, env, timeoutMs);
      return { stdout, ms: performance.now() - t };
    },
    stop: async () => {
      if (!startedPid || !alive(startedPid)) return;
      log(`stopping dockerd (pid ${startedPid})`);
      process.kill(startedPid, 'SIGTERM');
      for (let i = 0; i < 60 && alive(startedPid); i++) await new Promise((r) => setTimeout(r, 500));
      if (alive(startedPid)) process.kill(startedPid, 'SIGKILL');
    },
  };
}
