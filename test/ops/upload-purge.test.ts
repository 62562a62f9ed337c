/**
 * Stale upload purging (storage.maintenance.uploadpurging) and the maintenance jobs as the
 * server schedules them: uploads idle past the age go, younger ones and finished blobs stay,
 * a dry run and read-only mode remove nothing; the gc job records its runs in the metrics.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { scrape } from '../../src/ops/metrics.js';
import { Scheduler } from '../../src/ops/scheduler.js';
import { UploadPurger } from '../../src/ops/upload-purge.js';
import { expectError } from '../helpers/http.js';
import { pushBlob, startUpload } from '../helpers/oci.js';
import { makeOpsApp, type OpsApp } from '../helpers/ops-app.js';

const HOUR = 3_600_000;

describe('stale upload purging', () => {
  let t: OpsApp;
  before(async () => (t = await makeOpsApp({ storage: { maintenance: { uploadpurging: { age: '1h', interval: '10m' } } } })));
  after(() => t.cleanup());

  it('removes uploads idle longer than the age, and only those', async () => {
    const idle = await startUpload(t.app, 'purge/app');
    await request(t.app).patch(idle.path).set('Content-Type', 'application/octet-stream').send(Buffer.alloc(100, 1)).expect(202);
    const other = await startUpload(t.app, 'purge/other/deep');
    const blob = await pushBlob(t.app, 'purge/app', 'a finished blob');
    const at = (ms: number) =>
      new UploadPurger(t.registry.driver, { ...t.config.storage.maintenance.uploadpurging, now: () => Date.now() + ms });

    const young = await at(HOUR / 2).run();
    assert.deepEqual([young.scanned, young.purged], [2, []]);
    const dry = await at(2 * HOUR).run({ dryRun: true });
    assert.deepEqual(dry.purged.sort(), [`purge/app/${idle.id}`, `purge/other/deep/${other.id}`]);
    await request(t.app).get(idle.path).expect(204);

    t.ops.readOnly.set(true, 'test');
    const readOnly = await new UploadPurger(t.registry.driver, {
      ...t.config.storage.maintenance.uploadpurging,
      readOnly: t.ops.readOnly,
      now: () => Date.now() + 2 * HOUR,
    }).run();
    assert.equal(readOnly.dryRun, true);
    t.ops.readOnly.set(false, 'test');
    await request(t.app).get(idle.path).expect(204);

    const purged = await at(2 * HOUR).run();
    assert.equal(purged.purged.length, 2);
    expectError(await request(t.app).get(idle.path), 404, 'BLOB_UPLOAD_UNKNOWN');
    expectError(await request(t.app).get(other.path), 404, 'BLOB_UPLOAD_UNKNOWN');
    await request(t.app).head(`/v2/purge/app/blobs/${blob}`).expect(200);
  });

  it('takes its settings from the config, as registry:2 spells them', () => {
    const config = parseConfig({
      storage: { maintenance: { uploadpurging: { enabled: false, age: '24h', interval: '1h', dryrun: true } } },
    });
    assert.deepEqual(config.storage.maintenance.uploadpurging, { enabled: false, age: 24 * HOUR, interval: HOUR, dryrun: true });
    assert.deepEqual(parseConfig({}).storage.maintenance.uploadpurging, {
      enabled: true,
      age: 168 * HOUR,
      interval: 24 * HOUR,
      dryrun: false,
    });
    assert.deepEqual(parseConfig({}).gc, { interval: 0, graceperiod: HOUR, deleteuntagged: false, dryrun: false });
    assert.equal(new UploadPurger(null as never, { ...config.storage.maintenance.uploadpurging }).job().every, 0);
  });

  it('the scheduler runs gc and purging once each; a gc run is in the metrics', async () => {
    const scheduler = new Scheduler(createLogger('error'));
    scheduler.add(t.ops.gc!.job());
    scheduler.add(t.ops.uploadPurger!.job());
    assert.equal(await scheduler.runNow('gc'), true);
    assert.equal(await scheduler.runNow('uploadpurging'), true);
    const last = t.ops.gc!.status().last;
    assert.equal(last?.ok, true);
    assert.equal(last?.gracePeriodMs, HOUR);
    const { body } = await scrape();
    assert.match(body, /berth_gc_runs_total\{result="success",mode="sweep"\} [1-9]/);
    await scheduler.stop();
  });
});
