/** `berth gc`: one garbage-collection run over the configured storage; `berth uploads purge`: stale uploads. */
import { duration } from '../config/proxy-schema.js';
import { GarbageCollector, type GcRun } from '../ops/gc/collector.js';
import { UploadPurger } from '../ops/upload-purge.js';
import { parseCommand, print, verb } from './admin-context.js';
import { UsageError, type Command } from './command.js';
import { withRegistry } from './registry-context.js';

/** A duration flag (30s, 5m, 1h) in ms, or the default. */
function durationFlag(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = duration.safeParse(value);
  if (!parsed.success) throw new UsageError(`--${flag}: must be a duration such as 30s, 5m or 1h`);
  return parsed.data;
}

function describe(run: GcRun): string {
  const lines = [
    ...run.swept.manifests.map((m) => `${run.dryRun ? 'would delete' : 'deleted'} manifest ${m.repository}@${m.digest}`),
    ...run.swept.blobs.map((b) => `${run.dryRun ? 'would delete' : 'deleted'} blob ${b}`),
    ...run.errors.map((e) => `error: ${e}`),
  ];
  const mode = run.readOnly ? ' (read-only mode: nothing deleted)' : run.dryRun ? ' (dry run)' : '';
  lines.push(
    `${run.repositories} repositories, ${run.scanned.manifests} manifests, ${run.scanned.blobs} blobs scanned; ` +
      `${run.freedManifests} manifests and ${run.freedBlobs} blobs (${run.freedBytes} bytes) ${run.dryRun ? 'to free' : 'freed'}, ` +
      `${run.spared} spared, in ${run.durationMs} ms${mode}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The `berth gc` command. */
export const gcCommand: Command = {
  name: 'gc',
  usage: [
    'berth gc [--dry-run] [--delete-untagged] [--grace DURATION] [--json]   delete blobs (and untagged manifests) nothing references',
  ],
  async run(args) {
    const { values, positionals } = parseCommand(args, {
      'dry-run': { type: 'boolean' },
      'delete-untagged': { type: 'boolean' },
      grace: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`gc: unexpected ${positionals[0]}`);
    let failed = false;
    const code = await withRegistry(values, async (registry, config) => {
      const gc = new GarbageCollector(registry, {
        gracePeriodMs: durationFlag(values['grace'], 'grace', config.gc.graceperiod),
        deleteUntagged: config.gc.deleteuntagged,
        intervalMs: 0,
        readOnly: config.storage.maintenance.readonly,
      });
      const run = await gc.run({ dryRun: values['dry-run'] === true, ...(values['delete-untagged'] ? { deleteUntagged: true } : {}) });
      failed = !run.ok;
      print(values['json'] === true, run, () => describe(run));
    });
    return failed ? 1 : code;
  },
};

/** The `berth uploads` command group. */
export const uploadsCommand: Command = {
  name: 'uploads',
  usage: ['berth uploads purge [--dry-run] [--age DURATION] [--json]   remove uploads idle longer than AGE (default: uploadpurging.age)'],
  async run(args) {
    const { values, positionals } = parseCommand(args, {
      'dry-run': { type: 'boolean' },
      age: { type: 'string' },
      json: { type: 'boolean' },
    });
    verb(positionals, ['purge'], 'uploads');
    if (positionals.length > 1) throw new UsageError(`uploads purge: unexpected ${positionals[1]}`);
    return withRegistry(values, async (registry, config) => {
      const settings = config.storage.maintenance.uploadpurging;
      const purger = new UploadPurger(registry.driver, {
        ...settings,
        age: durationFlag(values['age'], 'age', settings.age),
        readOnly: config.storage.maintenance.readonly,
      });
      const report = await purger.run({ dryRun: values['dry-run'] === true });
      print(values['json'] === true, report, () =>
        [
          ...report.purged.map((p) => `${report.dryRun ? 'would purge' : 'purged'} upload ${p}`),
          ...report.errors.map((e) => `error: ${e}`),
          `${report.scanned} uploads scanned, ${report.purged.length} ${report.dryRun ? 'stale' : 'purged'}\n`,
        ].join('\n'),
      );
    });
  },
};
