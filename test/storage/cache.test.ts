/** The storage-facts cache: still a correct driver, reads its own writes, forgets after its TTL. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BaseDriver } from '../../src/storage/base.js';
import { CachingDriver } from '../../src/storage/cache.js';
import { PathNotFoundError } from '../../src/storage/driver.js';
import type { StorageDriver } from '../../src/storage/driver.js';
import { MemoryDriver } from '../../src/storage/drivers/memory.js';
import { runDriverSuite } from './driver-suite.js';

const everything = { content: () => true, stat: () => true, list: () => true };

/** Two processes sharing one storage: two caches over one backend. */
function twoProcesses(ttlMs: number): { backend: StorageDriver; a: CachingDriver; b: CachingDriver } {
  const backend = new BaseDriver(new MemoryDriver());
  const make = () => new CachingDriver(backend, { ttlMs, maxEntries: 1000, policy: everything });
  return { backend, a: make(), b: make() };
}

// Caching every read must not change what any driver operation means.
runDriverSuite('cached memory', async () => ({
  driver: new CachingDriver(new BaseDriver(new MemoryDriver()), { ttlMs: 60_000, maxEntries: 1000, policy: everything }),
  cleanup: async () => {},
}));

describe('storage cache', () => {
  it('a process reads its own writes at once: overwrite, new child, deleted subtree, move', async () => {
    const { a } = twoProcesses(60_000);
    await a.putContent('/r/tags/t1/link', 'one');
    assert.deepEqual(await a.list('/r/tags'), ['/r/tags/t1']);
    assert.equal((await a.getContent('/r/tags/t1/link')).toString(), 'one');
    await a.putContent('/r/tags/t1/link', 'two');
    await a.putContent('/r/tags/t2/link', 'x');
    assert.equal((await a.getContent('/r/tags/t1/link')).toString(), 'two');
    assert.deepEqual([...(await a.list('/r/tags'))].sort(), ['/r/tags/t1', '/r/tags/t2']);
    await a.delete('/r/tags/t1');
    await assert.rejects(a.getContent('/r/tags/t1/link'), PathNotFoundError);
    assert.deepEqual(await a.list('/r/tags'), ['/r/tags/t2']);
    await a.move('/r/tags/t2/link', '/r/other/link');
    await assert.rejects(a.stat('/r/tags/t2/link'), PathNotFoundError);
    assert.equal((await a.stat('/r/other/link')).size, 1);
  });

  it('a writer invalidates the file it writes, on commit and on cancel', async () => {
    const { a } = twoProcesses(60_000);
    await a.putContent('/f', 'abc');
    assert.equal((await a.stat('/f')).size, 3);
    const w = await a.writer('/f', true);
    w.write('defg');
    await w.commit();
    assert.equal((await a.stat('/f')).size, 7);
  });

  it("another process's writes are seen after the TTL, not before; absence is never cached", async () => {
    const { a, b } = twoProcesses(150);
    await assert.rejects(b.getContent('/tag/link'), PathNotFoundError);
    await a.putContent('/tag/link', 'd1');
    // b asked before and was told "absent": it must not remember that.
    assert.equal((await b.getContent('/tag/link')).toString(), 'd1');
    await a.putContent('/tag/link', 'd2');
    assert.equal((await b.getContent('/tag/link')).toString(), 'd1', 'within the TTL the cached fact is served');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await b.getContent('/tag/link')).toString(), 'd2', 'after the TTL it is read again');
  });

  it('ttl 0 turns the cache off', async () => {
    const { a, b } = twoProcesses(0);
    await a.putContent('/x/link', '1');
    assert.equal((await b.getContent('/x/link')).toString(), '1');
    await a.putContent('/x/link', '2');
    assert.equal((await b.getContent('/x/link')).toString(), '2');
  });

  it('only paths the policy allows are cached', async () => {
    const backend = new BaseDriver(new MemoryDriver());
    const policy = { content: (p: string) => p.endsWith('/link'), stat: () => false, list: () => false };
    const c = new CachingDriver(backend, { ttlMs: 60_000, maxEntries: 1000, policy });
    await backend.putContent('/a/link', '1');
    await backend.putContent('/a/data', '1');
    await c.getContent('/a/link');
    await c.getContent('/a/data');
    await backend.putContent('/a/link', '2');
    await backend.putContent('/a/data', '2');
    assert.equal((await c.getContent('/a/link')).toString(), '1');
    assert.equal((await c.getContent('/a/data')).toString(), '2');
  });

  it('past maxEntries it starts over instead of growing', async () => {
    const backend = new BaseDriver(new MemoryDriver());
    const c = new CachingDriver(backend, { ttlMs: 60_000, maxEntries: 2, policy: everything });
    for (const n of ['1', '2', '3']) await backend.putContent(`/${n}`, n);
    for (const n of ['1', '2', '3']) await c.getContent(`/${n}`);
    await backend.putContent('/1', 'changed');
    // /1 was dropped when /3 came in, so it is read again.
    assert.equal((await c.getContent('/1')).toString(), 'changed');
  });
});
