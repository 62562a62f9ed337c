/**
 * Peak resident memory of a server process during a scenario: VmRSS sampled from
 * /proc/PID/status every 50 ms, combined with VmHWM after resetting it (clear_refs 5) at the start.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { processTree } from './cpu.js';

/** VmRSS and VmHWM of a process in MiB (0 when unreadable). */
export function memoryOf(pid: number): { rssMiB: number; hwmMiB: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
  } catch {
    return { rssMiB: 0, hwmMiB: 0 };
  }
}

/** Samples one process's memory between start() and stop(). */
export class RssProbe {
  #timer: NodeJS.Timeout | undefined;
  #peak = 0;
  #hwmReset = false;
  #pids: number[] = [];

  constructor(readonly pid: number) {}

  /** Reset the kernel's high-water mark (when allowed) and start sampling. */
  start(): void {
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      this.#hwmReset = true;
    } catch {
      this.#hwmReset = false;
    }
    // Under http.workers the server is several processes: their RSS adds up.
    this.#pids = processTree(this.pid);
    const total = (): number => this.#pids.reduce((n, p) => n + memoryOf(p).rssMiB, 0);
    this.#peak = total();
    this.#timer = setInterval(() => {
      this.#peak = Math.max(this.#peak, total());
    }, 50);
  }

  /** Stop sampling; return the peak RSS in MiB seen since start(). */
  stop(): number {
    clearInterval(this.#timer);
    const now = memoryOf(this.pid);
    this.#peak = Math.max(this.#peak, now.rssMiB);
    // Without a reset, VmHWM is the peak since the process started: not this scenario's.
    // (One process only: the sum of several high-water marks was never resident at once.)
    if (this.#hwmReset && this.#pids.length === 1) this.#peak = Math.max(this.#peak, now.hwmMiB);
    return this.#peak;
  }
}
