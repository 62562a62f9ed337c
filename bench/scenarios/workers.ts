/**
 * workers: head-blob, manifest-get, mixed and pull-large par4 on Berth started with
 * http.workers 1 and 2 (each a fresh process on its own folder), beside the same scenarios on
 * Distribution (measured once, shown on both rows). Each row carries the server's CPU
 * milliseconds per operation (all its processes, see ../cpu.ts).
 */
import { join } from 'node:path';
import { treeCpuSeconds } from '../cpu.js';
import { startBerth, type Target } from '../servers.js';
import { headBlob } from './head.js';
import { manifestGet } from './manifests.js';
import { mixed } from './mixed.js';
import { pullLarge } from './pull.js';
import type { Ctx, Measure, Scenario } from './types.js';
import { emptyMeasure } from './types.js';

/** The measured scenarios and the row of each that the table keeps. */
const PARTS: { scenario: Scenario; row: string }[] = [
  { scenario: headBlob, row: 'head-blob' },
  { scenario: manifestGet, row: 'manifest-get' },
  { scenario: mixed, row: 'mixed pulls' },
  { scenario: pullLarge, row: 'pull-large par4' },
];
const COUNTS = [1, 2] as const;

const rowName = (row: string, workers: number): string => `${row} w${workers}`;

/** Run every part on `t`: one Measure per kept row, with CPU ms per operation. */
async function measureOn(t: Target, ctx: Ctx): Promise<Measure[]> {
  const out: Measure[] = [];
  for (const { scenario, row } of PARTS) {
    const spec = scenario.rows.find((r) => r.row === row)!;
    try {
      await scenario.prepare?.(t, ctx);
      const before = treeCpuSeconds(t.pid);
      const measures = await scenario.run(t, ctx);
      const cpu = treeCpuSeconds(t.pid) - before;
      // A scenario's CPU covers all its rows (pull-large runs seq then par4): spread over all their operations.
      const ops = measures.reduce((n, m) => n + (m.row.startsWith(row.split(' ')[0]!) ? (m.ops ?? 0) : 0), 0);
      const m = measures.find((x) => x.row === row) ?? emptyMeasure(spec, 1, ['row not reported']);
      out.push({ ...m, cpuMsPerOp: ops > 0 ? (cpu * 1000) / ops : undefined });
    } catch (err) {
      out.push(emptyMeasure(spec, 1, [`${row}: ${(err as Error).message}`]));
    }
  }
  return out;
}

/** The workers rows (see the file comment). */
export const workersScenario: Scenario = {
  name: 'workers',
  rows: COUNTS.flatMap((n) => PARTS.map(({ scenario, row }) => ({ ...scenario.rows.find((r) => r.row === row)!, row: rowName(row, n) }))),
  run: async (t, ctx) => {
    if (t.side === 'distribution') {
      const once = await measureOn(t, ctx);
      return COUNTS.flatMap((n) => once.map((m) => ({ ...m, row: rowName(m.row, n) })));
    }
    const out: Measure[] = [];
    for (const n of COUNTS) {
      const berth = await startBerth(ctx.repoRoot, join(ctx.workDir, `berth-w${n}`), n);
      try {
        ctx.log(`workers: Berth with ${n} worker(s), pid ${berth.pid}`);
        for (const m of await measureOn(berth, ctx)) out.push({ ...m, row: rowName(m.row, n) });
      } finally {
        await berth.stop();
      }
    }
    return out;
  },
};
