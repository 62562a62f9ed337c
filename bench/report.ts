/** The comparison report: pairing both servers' figures, the text table, and the JSON form. */
import type { MachineInfo } from './machine.js';
import type { Measure } from './scenarios/types.js';

/** One table row: a figure on both servers and their ratio. */
export interface Row {
  row: string;
  unit: string;
  lowerIsBetter: boolean;
  berth: Measure;
  distribution: Measure;
  /** > 1 means Berth is better (Berth/Distribution for rates, Distribution/Berth for wall times). */
  ratio: number;
}

/** Everything the run produced. */
export interface Report {
  title: string;
  quick: boolean;
  startedAt: string;
  durationS: number;
  machine: MachineInfo;
  distributionVersion: string;
  notes: string[];
  rows: Row[];
  /** Highest per-scenario peak RSS of each server over the run, MiB. */
  peakRssMiB: { berth: number; distribution: number };
  errors: { berth: number; distribution: number };
}

/** Pair a row's two measures and compute the ratio. */
export function pairRow(berth: Measure, distribution: Measure): Row {
  const lower = berth.lowerIsBetter ?? false;
  const ok = Number.isFinite(berth.value) && Number.isFinite(distribution.value) && berth.value > 0 && distribution.value > 0;
  const ratio = ok ? (lower ? distribution.value / berth.value : berth.value / distribution.value) : NaN;
  return { row: berth.row, unit: berth.unit, lowerIsBetter: lower, berth, distribution, ratio };
}

function num(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  return v.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2);
}

function value(m: Measure): string {
  if (m.skipped) return m.skipped;
  return num(m.value);
}

function latency(m: Measure): string {
  return m.p50Ms === undefined ? '-' : `${num(m.p50Ms)} / ${num(m.p99Ms)}`;
}

/** The report as an aligned, markdown-compatible text table with its header and footer. */
export function renderText(r: Report): string {
  const m = r.machine;
  const lines = [
    `${r.title}${r.quick ? ' (--quick: smoke sizes, figures not meaningful)' : ''}`,
    `machine: ${m.nproc} CPUs (${m.cpu}), ${m.ramGiB} GiB RAM, Linux ${m.kernel}, node ${m.node}; Distribution ${r.distributionVersion}`,
    ...r.notes.map((n) => `note: ${n}`),
    '',
  ];
  const head = [
    'scenario',
    'unit',
    'Berth',
    'Distribution',
    'ratio (>1: Berth better)',
    'Berth p50/p99 ms',
    'Distr. p50/p99 ms',
    'errors B/D',
    'peak RSS MiB B/D',
    'CPU ms/op B/D',
  ];
  const body = r.rows.map((row) => [
    row.row,
    row.lowerIsBetter ? `${row.unit} (wall, lower better)` : row.unit,
    value(row.berth),
    value(row.distribution),
    Number.isFinite(row.ratio) ? `${row.ratio.toFixed(2)}x` : '-',
    latency(row.berth),
    latency(row.distribution),
    `${row.berth.errors} / ${row.distribution.errors}`,
    `${num(row.berth.peakRssMiB)} / ${num(row.distribution.peakRssMiB)}`,
    `${num(row.berth.cpuMsPerOp)} / ${num(row.distribution.cpuMsPerOp)}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) =>
    `| ${cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  lines.push(
    fmt(head),
    `|${widths.map((w, i) => (i >= 2 && i <= 4 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
    ...body.map(fmt),
  );
  lines.push('');
  lines.push(`peak RSS over the run: Berth ${num(r.peakRssMiB.berth)} MiB, Distribution ${num(r.peakRssMiB.distribution)} MiB`);
  const total = r.errors.berth + r.errors.distribution;
  if (total === 0) lines.push('errors: none (every response verified)');
  else {
    lines.push(`ERRORS: Berth ${r.errors.berth}, Distribution ${r.errors.distribution}`);
    for (const row of r.rows) {
      for (const [side, mm] of [['Berth', row.berth] as const, ['Distribution', row.distribution] as const]) {
        for (const s of mm.errorSamples) lines.push(`  ${row.row} [${side}]: ${s}`);
      }
    }
  }
  lines.push(`total duration: ${r.durationS.toFixed(1)} s`);
  return lines.join('\n');
}

/** The report as JSON (NaN becomes null). */
export function renderJson(r: Report): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}
