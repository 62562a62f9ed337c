/**
 * The pull-through cache's state across workers, on two ProxyServices joined by in-memory
 * peers (the IPC path is covered by test/cluster/workers.test.ts): tag checks reach the other
 * at once, pull times in batches, deletes too; the counters are summed over both.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { CacheEvictor } from '../../src/proxy/eviction.js';
import { ProxyService } from '../../src/proxy/proxy-service.js';
import { createRegistry, registryOptions } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';
import { shareTimes, TimeMap, type ProxyPeers, type TimesUpdate } from '../../src/proxy/shared-times.js';
import type { UpstreamCounts } from '../../src/proxy/stats.js';

/** Two linked peers: what one shares, the other applies; each reads the other's counters. */
function pair(): { a: ProxyPeers; b: ProxyPeers; sent: TimesUpdate[] } {
  const sent: TimesUpdate[] = [];
  const apply: ((u: TimesUpdate) => void)[] = [];
  const read: (() => Record<string, UpstreamCounts>)[] = [];
  const peer = (me: number, other: number): ProxyPeers => ({
    share: (u) => {
      sent.push(u);
      apply[other]?.(structuredClone(u));
    },
    onShare: (fn) => void (apply[me] = fn),
    stats: async () => (read[other] ? [structuredClone(read[other]())] : []),
    onStats: (fn) => void (read[me] = fn),
  });
  return { a: peer(0, 1), b: peer(1, 0), sent };
}

function service(): ProxyService {
  const config = parseConfig({
    storage: { inmemory: {} },
    proxy: { enabled: true, upstreams: [{ name: 'hub', url: 'http://127.0.0.1:9', prefix: 'hub' }] },
  });
  return new ProxyService(config, createLogger('error'));
}

describe('proxy state shared across workers', () => {
  it('a tag check is sent at once; pulls are batched; deletes follow; the later time wins', async () => {
    const { a, b, sent } = pair();
    const [checkedA, pulledA, checkedB, pulledB] = [new TimeMap(), new TimeMap(), new TimeMap(), new TimeMap()];
    shareTimes(checkedA, pulledA, a, 30);
    shareTimes(checkedB, pulledB, b, 30);

    checkedA.set('hub/app:v1', 1000);
    assert.equal(checkedB.get('hub/app:v1'), 1000, 'the check is at the other worker at once');

    for (let i = 0; i < 50; i++) pulledA.set(`hub/app@sha256:${i}`, 2000 + i);
    pulledA.set('hub/app:v1', 3000);
    assert.equal(pulledB.size, 0, 'pulls wait for the batch');
    const before = sent.length;
    await sleep(80);
    assert.equal(sent.length, before + 1, '51 pulls, one message');
    assert.equal(pulledB.size, 51);
    assert.equal(pulledB.get('hub/app:v1'), 3000);

    // An older time from the other worker does not move a key back; a newer one does.
    pulledB.set('hub/app:v1', 5000);
    await sleep(80);
    assert.equal(pulledA.get('hub/app:v1'), 5000);
    checkedB.merge([['hub/app:v1', 500]]);
    assert.equal(checkedB.get('hub/app:v1'), 1000);

    // What eviction deletes goes in every worker.
    checkedA.delete('hub/app:v1');
    pulledA.delete('hub/app:v1');
    assert.equal(checkedB.get('hub/app:v1'), undefined, 'the check is gone at once');
    await sleep(80);
    assert.equal(pulledB.get('hub/app:v1'), undefined, 'the pull time with the next batch');
    assert.equal(pulledB.size, 50);
  });

  it('ProxyService.shareWith: hits in one worker reach the other; totals() sums both counters, snapshot() stays local', async () => {
    const { a, b } = pair();
    const [one, two] = [service(), service()];
    one.shareWith(a);
    two.shareWith(b);
    const route = one.route('hub/app')!;
    one.checked.set('hub/app:v1', Date.now());
    assert.ok(two.checked.get('hub/app:v1'), 'the check reached the other worker');
    one.stats.of('hub').hits += 3;
    one.stats.of('hub').upstreamBytes += 100;
    two.stats.of('hub').hits += 2;
    two.stats.of('hub').misses += 1;
    two.miss(route, 'hub/app@sha256:1', 'manifest');
    assert.equal(two.snapshot()['hub']!.hits, 2);
    for (const [me, name] of [
      [one, 'one'],
      [two, 'two'],
    ] as const) {
      const t = (await me.totals())['hub']!;
      assert.deepEqual([t.hits, t.misses, t.upstreamBytes], [5, 2, 100], `totals through ${name}`);
      assert.equal(t.url, 'http://127.0.0.1:9');
    }
    await sleep(1100);
    assert.ok(one.pulled.get('hub/app@sha256:1'), 'the miss pull time reached the other worker with the batch');
  });

  it("eviction's 'proxy stats' line reports the counters summed over the workers", async () => {
    const { a, b } = pair();
    const [one, two] = [service(), service()];
    one.shareWith(a);
    two.shareWith(b);
    one.stats.of('hub').hits += 3;
    two.stats.of('hub').hits += 4;
    two.stats.of('hub').misses += 1;
    const lines: string[] = [];
    const registry = createRegistry(createDriver(one.config.storage), registryOptions(one.config));
    await new CacheEvictor(
      registry.driver,
      registry.manifests,
      one,
      createLogger('info', (l) => lines.push(l)),
    ).sweep();
    const line = lines
      .map((l) => JSON.parse(l) as { msg: string; upstreams?: Record<string, { hits: number; misses: number }> })
      .find((l) => l.msg === 'proxy stats');
    assert.deepEqual([line?.upstreams?.['hub']?.hits, line?.upstreams?.['hub']?.misses], [7, 1]);
  });

  it('without peers (http.workers: 1) totals() is snapshot()', async () => {
    const p = service();
    p.stats.of('hub').hits += 4;
    assert.deepEqual(await p.totals(), p.snapshot());
  });
});
