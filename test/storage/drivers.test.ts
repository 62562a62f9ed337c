/** Runs the shared driver suite on memory and disk, plus what only local backends promise. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BaseDriver } from '../../src/storage/base.js';
import { StorageUnavailableError } from '../../src/storage/driver.js';
import type { StorageDriver } from '../../src/storage/driver.js';
import { FsDriver } from '../../src/storage/drivers/fs.js';
import { MemoryDriver } from '../../src/storage/drivers/memory.js';
import { createDriver } from '../../src/storage/factory.js';
import { runDriverSuite } from './driver-suite.js';

async function makeFs(): Promise<{ driver: BaseDriver; root: string; cleanup(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'berth-fs-'));
  return {
    driver: new BaseDriver(new FsDriver({ rootdirectory: root })),
    root,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

runDriverSuite('memory', async () => ({ driver: new BaseDriver(new MemoryDriver()), cleanup: async () => {} }));
runDriverSuite('filesystem', makeFs);

for (const [name, make] of [
  ['memory', async () => ({ driver: new BaseDriver(new MemoryDriver()) as StorageDriver, cleanup: async () => {} })],
  ['filesystem', makeFs],
] as const) {
  describe(`local backend specifics: ${name}`, () => {
    let d: StorageDriver;
    let cleanup: () => Promise<void>;
    before(async () => ({ driver: d, cleanup } = await make()));
    after(() => cleanup());

    it('putContent over a directory fails as StorageUnavailableError', async () => {
      await d.putContent('/dir/file', 'x');
      await assert.rejects(d.putContent('/dir', 'y'), StorageUnavailableError);
      assert.equal((await d.getContent('/dir/file')).toString(), 'x');
    });

    it('redirectURL is null', async () => {
      assert.equal(await d.redirectURL('/dir/file', 'GET'), null);
    });
  });
}

describe('filesystem driver on disk', () => {
  let d: BaseDriver;
  let root: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ driver: d, root, cleanup } = await makeFs()));
  after(() => cleanup());

  it('maps driver paths under the root directory', async () => {
    await d.putContent('/docker/registry/v2/x', 'data');
    assert.equal((await stat(join(root, 'docker/registry/v2/x'))).size, 4);
  });

  it('putContent leaves no temp files behind, even when the rename fails', async () => {
    for (let i = 0; i < 5; i++) await d.putContent('/p/file', `v${i}`);
    await d.putContent('/p/busy/child', 'c');
    await assert.rejects(d.putContent('/p/busy', 'over a dir'), StorageUnavailableError);
    assert.deepEqual((await readdir(join(root, 'p'))).sort(), ['busy', 'file']);
  });

  it('a cancelled writer leaves nothing on disk', async () => {
    const w = await d.writer('/u/data', false);
    w.write(Buffer.alloc(1000, 1));
    await w.cancel();
    assert.deepEqual(await readdir(join(root, 'u')), []);
  });

  it('a committed writer has durable content and a closed handle', async () => {
    const w = await d.writer('/u/done', false);
    w.write('abc');
    await w.commit();
    assert.equal(w.closed, true);
    assert.equal((await stat(join(root, 'u/done'))).size, 3);
  });

  it('a bare FsDriver still refuses to leave its root', async () => {
    const bare = new FsDriver({ rootdirectory: root });
    await assert.rejects(bare.getContent('/../../etc/passwd'), { name: 'Error', message: /invalid path/ });
  });

  it('read streams share a buffer budget: big reads alone, smaller ones when many are open', async () => {
    await d.putContent('/blob', Buffer.alloc(1 << 20, 1));
    const alone = await d.reader('/blob');
    assert.equal(alone.readableHighWaterMark, 4 << 20);
    alone.destroy();
    await new Promise((r) => alone.once('close', r));
    const many = await Promise.all(Array.from({ length: 64 }, () => d.reader('/blob')));
    // Whichever opened last shares the budget with all 64.
    assert.equal(Math.min(...many.map((s) => s.readableHighWaterMark)), Math.floor((12 << 20) / 64));
    for (const s of many) s.destroy();
    await Promise.all(many.map((s) => new Promise((r) => s.once('close', r))));
    // Every closed stream gave its share back.
    const again = await d.reader('/blob');
    assert.equal(again.readableHighWaterMark, 4 << 20);
    again.resume();
    await new Promise((r) => again.once('close', r));
  });

  it('stats() counts calls, errors and time per method', async () => {
    const before = d.stats().getContent;
    await d.getContent('/docker/registry/v2/x');
    await assert.rejects(d.getContent('/missing'));
    const after = d.stats().getContent;
    assert.equal(after.calls - before.calls, 2);
    assert.equal(after.errors - before.errors, 1);
    assert.ok(after.totalMs >= before.totalMs);
  });
});

describe('createDriver', () => {
  it('picks the driver by its config key', async () => {
    assert.equal(createDriver({ inmemory: null }).name, 'inmemory');
    assert.equal(createDriver({ inmemory: {}, delete: { enabled: true } }).name, 'inmemory');
    const root = await mkdtemp(join(tmpdir(), 'berth-factory-'));
    try {
      const d = createDriver({ filesystem: { rootdirectory: root } });
      assert.equal(d.name, 'filesystem');
      await d.putContent('/f', 'x');
      assert.equal((await stat(join(root, 'f'))).size, 1);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('rejects zero or several drivers and a missing rootdirectory', () => {
    assert.throws(() => createDriver({}), /exactly one driver/);
    assert.throws(() => createDriver({ inmemory: {}, filesystem: { rootdirectory: '/tmp' } }), /exactly one driver/);
    assert.throws(() => createDriver({ filesystem: {} as { rootdirectory: string } }), /rootdirectory/);
  });
});
