/** Facts about the machine the benchmark ran on. */
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/** What the report prints above the table. */
export interface MachineInfo {
  nproc: number;
  cpu: string;
  ramGiB: number;
  node: string;
  kernel: string;
}

/** Read nproc, the CPU model, RAM, node and kernel versions. */
export function machineInfo(): MachineInfo {
  let cpu = 'unknown';
  let kernel = 'unknown';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    // not Linux: keep "unknown"
  }
  return { nproc: availableParallelism(), cpu, ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version, kernel };
}
