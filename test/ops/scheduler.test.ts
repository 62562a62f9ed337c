/** The scheduler runs each job once at a time, and only where the lease says. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/log.js';
import { Scheduler, type Lease } from '../../src/ops/scheduler.js';

const log = createLogger('error');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scheduler', () => {
  it('runs a job on its interval and never overlaps two runs', async () => {
    const s = new Scheduler(log);
    let active = 0;
    let most = 0;
    let runs = 0;
    s.add({
      name: 'slow',
      every: 5,
      run: async () => {
        active++;
        most = Math.max(most, active);
        runs++;
        await sleep(20);
        active--;
      },
    });
    s.start();
    const extra = await Promise.all([s.runNow('slow'), s.runNow('slow')]);
    await sleep(120);
    await s.stop();
    assert.equal(most, 1);
    assert.ok(runs >= 2, `ran ${runs} times`);
    assert.deepEqual(extra.sort(), [false, true]);
  });

  it('does not run where the lease is held elsewhere, and survives a failing job', async () => {
    const asked: string[] = [];
    const elsewhere: Lease = { acquire: async (job) => (asked.push(job), false) };
    const s = new Scheduler(log, elsewhere);
    let ran = 0;
    s.add({ name: 'j', every: 0, run: async () => void ran++ });
    assert.equal(await s.runNow('j'), false);
    assert.equal(ran, 0);
    assert.deepEqual(asked, ['j']);
    s.setLease({ acquire: async () => true });
    s.add({ name: 'fails', every: 0, run: async () => Promise.reject(new Error('boom')) });
    assert.equal(await s.runNow('fails'), false);
    assert.equal(await s.runNow('j'), true);
    assert.equal(ran, 1);
  });
});
