/**
 * Configuration of the maintenance jobs: garbage collection (`gc`, Berth's own section) and
 * stale upload purging (`storage.maintenance.uploadpurging`, as Distribution spells it, with
 * its defaults). Both run through the one scheduler (src/ops/scheduler.ts).
 */
import { z } from 'zod';
import { duration } from './proxy-schema.js';

/** `gc`: the online garbage collector's schedule and defaults (`berth gc` flags override them per run). */
export const gcSchema = z
  .object({
    /** Time between scheduled runs; 0 (the default) schedules none (run `berth gc` or the API trigger). */
    interval: duration.default(0),
    /** Content written more recently than this is never swept. */
    graceperiod: duration.default('1h'),
    /** Scheduled runs also delete manifests no tag reaches (never index children or referrers of kept ones). */
    deleteuntagged: z.boolean().default(false),
    /** Scheduled runs only report what they would delete. */
    dryrun: z.boolean().default(false),
  })
  .strict()
  .default({});

/** `storage.maintenance.uploadpurging`: remove uploads started longer than `age` ago, every `interval`. */
export const uploadPurgingSchema = z
  .object({
    enabled: z.boolean().default(true),
    age: duration.default('168h'),
    interval: duration.default('24h'),
    /** Only log what would be removed. */
    dryrun: z.boolean().default(false),
  })
  .strict()
  .default({});
