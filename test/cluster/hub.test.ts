/**
 * The primary's hub on fake workers (the real IPC path is in workers.test.ts and
 * login-limit.test.ts): the pull-through cache's times and failed logins go to every other
 * linked worker without an ack, and a gather replies with the answers of the others, without
 * waiting for a worker that died or does not answer.
 */
import assert from 'node:assert/strict';
import cluster, { type Worker } from 'node:cluster';
import { EventEmitter, once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Hub } from '../../src/cluster/hub.js';
import type { FromPrimary, FromWorker } from '../../src/cluster/protocol.js';
import { createLogger } from '../../src/log.js';

/** A worker that records what the primary sends it. */
class FakeWorker extends EventEmitter {
  readonly got: FromPrimary[] = [];
  constructor(readonly id: number) {
    super();
  }
  send(msg: FromPrimary): boolean {
    // The pin board's notices (a worker that links is told whether GC runs) are pin-board.test.ts's.
    if (msg.berth !== 'gc-active') this.got.push(msg);
    return true;
  }
  /** Send `msg` to the primary. */
  say(msg: FromWorker): void {
    this.emit('message', msg);
  }
}

function linked(count: number): { hub: Hub; workers: FakeWorker[] } {
  const hub = new Hub(createLogger('error'));
  const workers = Array.from({ length: count }, (_, i) => new FakeWorker(i + 1));
  for (const w of workers) {
    hub.attach(w as unknown as Worker);
    w.say({ berth: 'hello' });
  }
  return { hub, workers };
}

const update = { checked: [['hub/app:v1', 1] as [string, number]], pulled: [] };

describe('cluster hub: proxy times, failed logins and gather', () => {
  it('proxy times go to every other linked worker, not back, not to one still booting', () => {
    const { hub, workers } = linked(3);
    const booting = new FakeWorker(9);
    hub.attach(booting as unknown as Worker);
    workers[0]!.say({ berth: 'proxy-times', update });
    assert.deepEqual(workers[0]!.got, []);
    for (const w of workers.slice(1)) assert.deepEqual(w.got, [{ berth: 'proxy-times', update }]);
    assert.deepEqual(booting.got, []);
  });

  it('a failed login goes to every other linked worker, not back, not to one still booting', () => {
    const { hub, workers } = linked(3);
    const booting = new FakeWorker(9);
    hub.attach(booting as unknown as Worker);
    const failed = { berth: 'login-failed', limiter: 'api', failure: { address: '10.0.0.1', at: 1 } } as const;
    workers[1]!.say(failed);
    assert.deepEqual(workers[1]!.got, []);
    for (const w of [workers[0]!, workers[2]!]) assert.deepEqual(w.got, [failed]);
    assert.deepEqual(booting.got, []);
  });

  it('a gather replies with the answers of the others (null adds nothing), or of those left when one dies', () => {
    const { hub, workers } = linked(3);
    const [asker, a, b] = workers as [FakeWorker, FakeWorker, FakeWorker];
    asker.say({ berth: 'gather', id: 7, what: 'proxy-stats' });
    const seqOf = (w: FakeWorker) => (w.got.at(-1) as { seq: number }).seq;
    assert.equal(a.got.at(-1)?.berth, 'gather');
    a.say({ berth: 'gathered', seq: seqOf(a), value: { hub: { hits: 1 } } });
    assert.deepEqual(asker.got, [], 'waits for every other worker');
    b.say({ berth: 'gathered', seq: seqOf(b), value: null });
    assert.deepEqual(asker.got, [{ berth: 'reply', id: 7, value: [{ hub: { hits: 1 } }], error: undefined }]);

    asker.say({ berth: 'gather', id: 8, what: 'proxy-stats' });
    b.say({ berth: 'gathered', seq: seqOf(b), value: { hub: { hits: 2 } } });
    hub.detach(a.id);
    assert.deepEqual(asker.got.at(-1), { berth: 'reply', id: 8, value: [{ hub: { hits: 2 } }], error: undefined });
  });

  it('a worker that does not answer a gather is not waited for more than 2 s', async () => {
    const { workers } = linked(2);
    const [asker] = workers as [FakeWorker];
    const started = Date.now();
    asker.say({ berth: 'gather', id: 1, what: 'proxy-stats' });
    while (asker.got.length === 0 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(asker.got, [{ berth: 'reply', id: 1, value: [], error: undefined }]);
    assert.ok(Date.now() - started >= 1900, 'after the timeout');
  });

  it('a notice to a worker killed a moment ago, not yet detached, does not end the primary', async () => {
    // A real worker process: node reports a send to a dead one later, as an 'error' event.
    cluster.setupPrimary({ exec: fileURLToPath(new URL('../helpers/idle-worker.mjs', import.meta.url)), execArgv: [], silent: true });
    const dead = cluster.fork();
    await once(dead, 'online');
    const hub = new Hub(createLogger('error'));
    const live = new FakeWorker(1000);
    for (const w of [dead, live as unknown as Worker]) {
      hub.attach(w);
      w.emit('message', { berth: 'hello' });
    }
    dead.process.kill('SIGKILL');
    await once(dead.process, 'exit');
    for (let t = 0; t < 100 && dead.isConnected(); t++) await new Promise((r) => setTimeout(r, 20));
    // The primary has not seen the 'exit' of cluster yet (no detach): these go to the dead worker.
    live.say({ berth: 'proxy-times', update });
    live.say({ berth: 'login-failed', limiter: 'api', failure: { address: '10.0.0.2', at: 2 } });
    live.say({ berth: 'gather', id: 3, what: 'proxy-stats' });
    await new Promise((r) => setTimeout(r, 200));
    // Still here (an unhandled 'error' event would have failed this file), and the gather ends when the dead worker is detached.
    hub.detach(dead.id);
    assert.deepEqual(live.got, [{ berth: 'reply', id: 3, value: [], error: undefined }]);
  });
});
