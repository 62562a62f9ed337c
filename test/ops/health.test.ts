/** /healthz and /readyz: outside /v2, free of auth, readiness as named checks with a timeout. */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { Readiness } from '../../src/ops/health.js';
import { makeOpsApp, type OpsApp } from '../helpers/ops-app.js';

describe('readiness checks', () => {
  it('runs every named check, each within its timeout, and reports which failed', async () => {
    const r = new Readiness(100);
    r.add('fast', async () => undefined);
    r.add('broken', async () => {
      throw new Error('connection refused');
    });
    let aborted = false;
    r.add('hung', (signal) => new Promise<void>(() => signal.addEventListener('abort', () => (aborted = true))));
    const report = await r.run();
    assert.equal(report.ready, false);
    assert.equal(report.checks['fast']?.ok, true);
    assert.deepEqual({ ...report.checks['broken'], ms: 0 }, { ok: false, ms: 0, error: 'connection refused' });
    assert.equal(report.checks['hung']?.error, 'no answer within 100 ms');
    assert.ok(aborted, 'the hung check was told to stop');
    assert.throws(() => r.add('fast', async () => undefined), /added twice/);
  });

  it('a removed check no longer counts; draining makes the process unready whatever the checks say', async () => {
    const r = new Readiness(100);
    const remove = r.add('down', async () => Promise.reject(new Error('down')));
    assert.equal((await r.run()).ready, false);
    remove();
    assert.deepEqual(await r.run(), { ready: true, checks: {} });
    r.drain();
    assert.deepEqual(await r.run(), { ready: false, draining: true, checks: {} });
  });
});

describe('health endpoints on the app (htpasswd auth on)', () => {
  let t: OpsApp;
  before(async () => {
    // An htpasswd file with no users: every /v2 request is refused.
    t = await makeOpsApp({ auth: { htpasswd: { path: '/dev/null' } } });
  });
  after(() => t.cleanup());

  it('/v2/ asks for credentials, /healthz and /readyz do not', async () => {
    assert.equal((await request(t.app).get('/v2/')).status, 401);
    const live = await request(t.app).get('/healthz');
    assert.equal(live.status, 200);
    assert.deepEqual(live.body, { status: 'ok' });
    const ready = await request(t.app).get('/readyz');
    assert.equal(ready.status, 200, ready.text);
    assert.equal(ready.body.checks.storage.ok, true);
    assert.equal((await request(t.app).head('/readyz')).status, 200);
  });

  it('storage that stops answering makes /readyz 503 naming the folder, while /healthz stays 200', async () => {
    await rm(t.root, { recursive: true, force: true });
    await writeFile(t.root, 'not a folder');
    try {
      const ready = await request(t.app).get('/readyz');
      assert.equal(ready.status, 503);
      assert.equal(ready.body.status, 'unavailable');
      assert.equal(ready.body.checks.storage.ok, false);
      assert.match(ready.body.checks.storage.error, new RegExp(`storage filesystem: ${t.root}: not a directory`));
      assert.equal((await request(t.app).get('/healthz')).status, 200);
    } finally {
      await rm(t.root, { force: true });
    }
  });
});
