/**
 * Stale upload purging (Distribution's storage.maintenance.uploadpurging): upload sessions
 * whose last activity (the later of `startedat` and the last byte written) is older than
 * `age` are removed, every `interval`, through the scheduler. A client that comes back to a
 * purged upload gets BLOB_UPLOAD_UNKNOWN and starts again. Like Distribution, nothing is
 * purged in read-only mode.
 */
import type { Logger } from '../log.js';
import { deleteIfExists } from '../registry/links.js';
import * as paths from '../registry/paths.js';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import type { Job } from './scheduler.js';

/** The purger's settings (config `storage.maintenance.uploadpurging`). */
export interface UploadPurgeSettings {
  enabled: boolean;
  /** Uploads idle longer than this (ms) are removed. */
  age: number;
  /** Time between runs (ms). */
  interval: number;
  dryrun: boolean;
  readOnly?: { readonly enabled: boolean };
  log?: Logger;
  now?: () => number;
}

/** What one purge did (or, dry, would have done). */
export interface PurgeReport {
  dryRun: boolean;
  /** Upload sessions found. */
  scanned: number;
  /** `repository/uuid` of each session removed. */
  purged: string[];
  errors: string[];
}

/** Removes stale upload sessions. */
export class UploadPurger {
  constructor(
    private readonly driver: StorageDriver,
    private readonly settings: UploadPurgeSettings,
  ) {}

  /** One pass over every repository's uploads. */
  async run(options: { dryRun?: boolean } = {}): Promise<PurgeReport> {
    const dryRun = options.dryRun === true || this.settings.dryrun || this.settings.readOnly?.enabled === true;
    const report: PurgeReport = { dryRun, scanned: 0, purged: [], errors: [] };
    const limit = (this.settings.now ?? Date.now)() - this.settings.age;
    for (const dir of await this.uploadDirs()) {
      report.scanned++;
      try {
        const last = await this.lastActivity(dir);
        if (last !== null && last >= limit) continue;
        if (!dryRun) await deleteIfExists(this.driver, dir);
        report.purged.push(dir.slice(paths.REPOSITORIES.length + 1).replace('/_uploads/', '/'));
      } catch (err) {
        report.errors.push(`${dir}: ${(err as Error).message}`);
      }
    }
    if (report.purged.length > 0 || report.errors.length > 0) {
      this.settings.log?.info(dryRun ? 'stale uploads found (dry run)' : 'stale uploads purged', {
        purged: report.purged.length,
        scanned: report.scanned,
        errors: report.errors,
      });
    }
    return report;
  }

  /** The scheduled job; off when purging is disabled. */
  job(): Job {
    return { name: 'uploadpurging', every: this.settings.enabled ? this.settings.interval : 0, run: () => this.run() };
  }

  // Folders repositories/<name>/_uploads/<uuid>, without descending into anything else of a repository.
  private async uploadDirs(): Promise<string[]> {
    const found: string[] = [];
    try {
      await this.driver.walk(paths.REPOSITORIES, (info) => {
        if (!info.isDir) return;
        const segments = info.path.split('/');
        const parent = segments[segments.length - 2];
        const base = segments[segments.length - 1]!;
        if (parent === '_uploads') {
          found.push(info.path);
          return 'skip';
        }
        return base.startsWith('_') && base !== '_uploads' ? 'skip' : undefined;
      });
    } catch (err) {
      if (!(err instanceof PathNotFoundError)) throw err;
    }
    return found;
  }

  // The latest of the recorded start time and the files' modification times; null when none is readable.
  private async lastActivity(dir: string): Promise<number | null> {
    const times: number[] = [];
    try {
      const started = Date.parse((await this.driver.getContent(`${dir}/startedat`)).toString('utf8').trim());
      if (!Number.isNaN(started)) times.push(started);
    } catch (err) {
      if (!(err instanceof PathNotFoundError)) throw err;
    }
    for (const file of ['data', 'startedat']) {
      try {
        times.push((await this.driver.stat(`${dir}/${file}`)).modTime.getTime());
      } catch (err) {
        if (!(err instanceof PathNotFoundError)) throw err;
      }
    }
    return times.length > 0 ? Math.max(...times) : null;
  }
}
