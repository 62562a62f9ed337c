/** Steps most scenarios share: a client for untimed setup, and a timed closed-loop rate. */
import { Client } from '../client.js';
import { runLoad } from '../load.js';
import type { Target } from '../servers.js';
import { rateMeasure, type Ctx, type Measure } from './types.js';

/** Run `fn` with a client of `sockets` connections to `t` (sending its headers), closed afterwards. */
export async function withClient<T>(t: Target, sockets: number, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client(t.url, sockets, t.headers);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/** Repeat `op` at the scenario concurrency for the configured time; one rate row. */
export function timedRate(
  t: Target,
  ctx: Ctx,
  row: { row: string; unit: string },
  maxOps: number,
  op: (c: Client, seq: number) => Promise<void>,
): Promise<Measure[]> {
  const n = ctx.sizes.concurrency;
  return withClient(t, n, async (c) => {
    const r = await runLoad({ concurrency: n, durationMs: ctx.sizes.durationMs, maxOps, op: (seq) => op(c, seq) });
    return [rateMeasure(row.row, row.unit, r)];
  });
}
