/**
 * How many workers `http.workers: auto` means: the CPUs this process may use
 * (os.availableParallelism, which honours affinity), capped so that every worker fits in the
 * memory budget (half of the machine's or the cgroup's memory, ~256 MiB a worker).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/** Memory planned per worker: its peak RSS under the bench's heaviest scenario, rounded up. */
const PER_WORKER = 256 << 20;

/** The worker count for `setting` (a number is taken as it is). */
export function workerCount(setting: number | 'auto'): number {
  if (setting !== 'auto') return setting;
  const budget = Math.floor(memoryLimit() / 2 / PER_WORKER);
  return Math.max(1, Math.min(availableParallelism(), budget));
}

/** The machine's memory, or the cgroup v2 limit when lower (a container). */
function memoryLimit(): number {
  try {
    const max = readFileSync('/sys/fs/cgroup/memory.max', 'utf8').trim();
    if (max !== 'max' && Number(max) > 0) return Math.min(Number(max), totalmem());
  } catch {
    // no cgroup v2 file: not in a limited container
  }
  return totalmem();
}
