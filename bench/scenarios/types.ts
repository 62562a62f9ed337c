/** What a scenario is and what it reports. */
import type { LoadResult } from '../load.js';
import type { Fixtures } from '../fixtures.js';
import type { Sizes } from '../sizes.js';
import type { Target } from '../servers.js';

/** One measured figure of a scenario on one server. */
export interface Measure {
  /** Row name in the table, e.g. "pull-large seq". */
  row: string;
  unit: string;
  /** NaN when nothing could be measured. */
  value: number;
  /** Wall-time rows: smaller is better (the ratio is inverted for them). */
  lowerIsBetter?: boolean;
  p50Ms?: number;
  p99Ms?: number;
  /** Successful operations behind the figure. */
  ops?: number;
  errors: number;
  errorSamples: string[];
  /** Why the row was not measured (e.g. "skipped: no docker"). */
  skipped?: string;
  /** CPU milliseconds the server (all its processes) spent per operation (filled in by the runner). */
  cpuMsPerOp?: number;
  /** Peak RSS of the server during the scenario, MiB (filled in by the runner). */
  peakRssMiB?: number;
}

/** Everything a scenario may use besides its target. */
export interface Ctx {
  sizes: Sizes;
  fixtures: Fixtures;
  quick: boolean;
  repoRoot: string;
  /** Temp folder of this run (removed at the end). */
  workDir: string;
  /** Progress output on stderr. */
  log(msg: string): void;
}

/** A benchmark scenario, run once on each server. */
export interface Scenario {
  name: string;
  /** The rows it reports (names, units, direction), also used for skipped or failed runs. */
  rows: { row: string; unit: string; lowerIsBetter?: boolean }[];
  /** Once-per-run setup before either server; returns a reason to skip the scenario. */
  setup?(ctx: Ctx): Promise<string | undefined>;
  /** Untimed setup on one server (not part of the figures). */
  prepare?(t: Target, ctx: Ctx): Promise<void>;
  /** The timed part; every response is verified and errors counted, not thrown. */
  run(t: Target, ctx: Ctx): Promise<Measure[]>;
  /** Cleanup after both servers ran. */
  finish?(ctx: Ctx): Promise<void>;
}

/** A Measure for a row with no figure (skipped, or failed before measuring). */
export function emptyMeasure(spec: Scenario['rows'][number], errors: number, samples: string[], skipped?: string): Measure {
  return { ...spec, value: NaN, errors, errorSamples: samples, skipped };
}

/** A rate Measure (operations per second) from a closed-loop load result. */
export function rateMeasure(row: string, unit: string, r: LoadResult): Measure {
  return {
    row,
    unit,
    value: r.ops / (r.elapsedMs / 1000),
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    ops: r.ops,
    errors: r.errors.count,
    errorSamples: r.errors.samples,
  };
}
