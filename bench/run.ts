/**
 * Berth vs Distribution 2.8.2, side by side: `npm run bench [-- --quick] [-- --json [FILE]]`.
 * Starts both registries on empty temp folders, runs every scenario on Berth then on
 * Distribution, prints one table, and exits non-zero when any response failed verification.
 * Other flags: --only a,b (scenario names), --no-docker.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Fixtures } from './fixtures.js';
import { machineInfo } from './machine.js';
import type { Report, Row } from './report.js';
import { pairRow, renderJson, renderText } from './report.js';
import { RssProbe } from './rss.js';
import { treeCpuSeconds } from './cpu.js';
import { allScenarios } from './scenarios/index.js';
import type { Ctx, Measure, Scenario } from './scenarios/types.js';
import { emptyMeasure } from './scenarios/types.js';
import type { Target } from './servers.js';
import { distributionVersion, ensureDistribution, startBerth, startDistribution } from './servers.js';
import { FULL, QUICK } from './sizes.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Private dockerd state (short: unix socket paths are limited); kept between runs like the e2e one. */
const DOCKER_STATE_DIR = '/tmp/berth-bench-docker';

interface Args {
  quick: boolean;
  /** undefined: no JSON; '-': stdout; else a file. */
  json: string | undefined;
  only: string[] | undefined;
  noDocker: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, json: undefined, only: undefined, noDocker: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') args.quick = true;
    else if (a === '--no-docker') args.noDocker = true;
    else if (a === '--json') {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        args.json = next;
        i++;
      } else args.json = '-';
    } else if (a.startsWith('--json=')) args.json = a.slice('--json='.length);
    else if (a === '--only') args.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else throw new Error(`unknown argument ${a} (use --quick, --json [FILE], --only a,b, --no-docker)`);
  }
  return args;
}

const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);

/** Run one scenario on one server: untimed prepare, then the timed run under the RSS probe. */
async function runOn(s: Scenario, t: Target, ctx: Ctx): Promise<Measure[]> {
  try {
    await s.prepare?.(t, ctx);
  } catch (err) {
    const msg = `prepare failed: ${(err as Error).message}`;
    return s.rows.map((r, i) => emptyMeasure(r, i === 0 ? 1 : 0, i === 0 ? [msg] : []));
  }
  const probe = new RssProbe(t.pid);
  probe.start();
  const cpuBefore = treeCpuSeconds(t.pid);
  let measures: Measure[];
  try {
    measures = await s.run(t, ctx);
    // CPU of the server and its workers over the scenario, per operation of all its rows
    // (the workers scenario fills its own, per row, from the servers it starts).
    const cpu = treeCpuSeconds(t.pid) - cpuBefore;
    const ops = measures.reduce((n, m) => n + (m.ops ?? 0), 0);
    for (const m of measures) if (m.cpuMsPerOp === undefined && ops > 0 && s.name !== 'workers') m.cpuMsPerOp = (cpu * 1000) / ops;
  } catch (err) {
    const msg = `run failed: ${(err as Error).message}`;
    measures = s.rows.map((r, i) => emptyMeasure(r, i === 0 ? 1 : 0, i === 0 ? [msg] : []));
  }
  const peak = probe.stop();
  if (!t.alive()) {
    const first = measures[0];
    if (first) {
      first.errors++;
      first.errorSamples.push(`${t.name} process died`);
    }
  }
  for (const m of measures) m.peakRssMiB = peak;
  return measures;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const sizes = args.quick ? QUICK : FULL;
  const machine = machineInfo();
  await ensureDistribution(log);
  const distVersion = await distributionVersion();
  const workDir = await mkdtemp(join(tmpdir(), 'berth-bench-'));
  const targets: Target[] = [];
  let scenarios = allScenarios(DOCKER_STATE_DIR);
  if (args.only) {
    const unknown = args.only.filter((n) => !scenarios.some((s) => s.name === n));
    if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
    scenarios = scenarios.filter((s) => args.only!.includes(s.name));
  }
  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    for (const s of scenarios) await s.finish?.(ctx).catch((err: unknown) => log(`${s.name} cleanup: ${String(err)}`));
    await Promise.all(targets.map((t) => t.stop()));
    await rm(workDir, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const ctx: Ctx = { sizes, fixtures: new Fixtures(sizes), quick: args.quick, repoRoot: REPO_ROOT, workDir, log };

  const rows: Row[] = [];
  try {
    const berth = await startBerth(REPO_ROOT, join(workDir, 'berth'));
    targets.push(berth);
    const dist = await startDistribution(join(workDir, 'distribution'));
    targets.push(dist);
    log(`Berth pid ${berth.pid} on ${berth.url}; Distribution pid ${dist.pid} on ${dist.url}; data under ${workDir}`);

    for (const s of scenarios) {
      const t0 = performance.now();
      let skip: string | undefined;
      if (s.name === 'docker' && args.noDocker) skip = 'skipped: --no-docker';
      else {
        try {
          skip = await s.setup?.(ctx);
        } catch (err) {
          const msg = `setup failed: ${(err as Error).message}`;
          log(`${s.name}: ${msg}`);
          for (const [i, r] of s.rows.entries()) {
            rows.push(pairRow(emptyMeasure(r, i === 0 ? 1 : 0, i === 0 ? [msg] : []), emptyMeasure(r, 0, [])));
          }
          continue;
        }
      }
      if (skip) {
        log(`${s.name}: ${skip}`);
        for (const r of s.rows) rows.push(pairRow(emptyMeasure(r, 0, [], skip), emptyMeasure(r, 0, [], skip)));
        continue;
      }
      log(`${s.name}: Berth`);
      const b = await runOn(s, berth, ctx);
      log(`${s.name}: Distribution`);
      const d = await runOn(s, dist, ctx);
      for (const spec of s.rows) {
        const bm = b.find((m) => m.row === spec.row) ?? emptyMeasure(spec, 1, ['row not reported']);
        const dm = d.find((m) => m.row === spec.row) ?? emptyMeasure(spec, 1, ['row not reported']);
        const row = pairRow(bm, dm);
        rows.push(row);
        log(
          `  ${row.row}: Berth ${bm.value.toFixed(2)} ${row.unit}, Distribution ${dm.value.toFixed(2)} ${row.unit} (errors ${bm.errors}/${dm.errors})`,
        );
      }
      log(`${s.name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    const failed = rows.some((r) => r.berth.errors + r.distribution.errors > 0);
    if (failed) {
      for (const t of targets) log(`--- ${t.name} log tail ---\n${await t.logTail(2000)}`);
    }
    await cleanup();
  }

  const sum = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0);
  const peak = (f: (r: Row) => number | undefined) => Math.max(0, ...rows.map((r) => f(r) ?? 0));
  const report: Report = {
    title: `Berth vs Distribution ${distVersion}`,
    quick: args.quick,
    startedAt: new Date(started).toISOString(),
    durationS: (Date.now() - started) / 1000,
    machine,
    distributionVersion: distVersion,
    notes: [
      'ratio > 1 means Berth is better: Berth/Distribution for rates, Distribution/Berth for wall-time rows (unit s).',
      `the load generator runs in this Node process on the same ${machine.nproc} CPUs as the server under test (it competes for CPU the same way on both sides); servers run one at a time, Berth first.`,
      'Berth: filesystem storage, delete enabled, log level warn. Distribution: filesystem storage, delete enabled, log level error, access log off, inmemory blob descriptor cache (as its packaged config).',
      'MB = 10^6 bytes. Every response is verified (status, Docker-Content-Digest, body sha256 for every pull and manifest GET); p50/p99 are per operation (mixed: per whole pull).',
      `sizes: push-large ${sizes.largeCount}x${sizes.largeBytes >> 20} MiB; push-chunked ${sizes.chunkedBytes >> 20} MiB in ${sizes.chunkBytes >> 20} MiB PATCHes; push-small ${sizes.smallCount}x${sizes.smallBytes} B at c=${sizes.smallConcurrency}; timed loads ${sizes.durationMs / 1000} s at c=${sizes.concurrency}; tags ${sizes.tagsCount}; repos ${sizes.reposCount}; mixed ${sizes.mixedClients} clients, ${sizes.mixedLayers}x${sizes.mixedLayerBytes >> 20} MiB layers; docker ${sizes.dockerLayers}x${sizes.dockerLayerBytes >> 20} MiB layers.`,
    ],
    rows,
    peakRssMiB: { berth: peak((r) => r.berth.peakRssMiB), distribution: peak((r) => r.distribution.peakRssMiB) },
    errors: { berth: sum((r) => r.berth.errors), distribution: sum((r) => r.distribution.errors) },
  };
  const text = renderText(report);
  if (args.json === '-') {
    process.stderr.write(`${text}\n`);
    process.stdout.write(`${renderJson(report)}\n`);
  } else {
    process.stdout.write(`${text}\n`);
    if (args.json) await writeFile(args.json, `${renderJson(report)}\n`);
  }
  return report.errors.berth + report.errors.distribution > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
