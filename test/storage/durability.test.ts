/**
 * The filesystem driver's durability order, observed through an injected FsSync: a file's
 * bytes are synced before the rename that makes them visible, and the folder holding the new
 * name (and the parent of every folder just created) is synced after it. A kill -9 cannot
 * show this (the page cache survives it); these calls are what makes a power cut survivable.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FsDriver } from '../../src/storage/drivers/fs.js';
import { systemSync, type FsSync } from '../../src/storage/drivers/fs-sync.js';
import { Rounds } from '../../src/storage/rounds.js';

type Call = { kind: 'file' | 'dir'; path: string; finalExists: boolean };

/** A real FsSync that records each call and whether `final` was visible at that moment. */
function recorder(final: () => string): { sync: FsSync; calls: Call[] } {
  const real = systemSync();
  const calls: Call[] = [];
  const visible = (): Promise<boolean> =>
    stat(final()).then(
      () => true,
      () => false,
    );
  return {
    calls,
    sync: {
      async file(handle, full) {
        calls.push({ kind: 'file', path: full, finalExists: await visible() });
        await real.file(handle, full);
      },
      async dir(full) {
        calls.push({ kind: 'dir', path: full, finalExists: await visible() });
        await real.dir(full);
      },
    },
  };
}

describe('filesystem durability order', () => {
  let root: string;
  let final = '';
  let rec: ReturnType<typeof recorder>;
  let driver: FsDriver;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-durable-'));
    rec = recorder(() => final);
    driver = new FsDriver({ rootdirectory: root }, rec.sync);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('putContent: file sync before the rename, then the folder and every new folder’s parent', async () => {
    rec.calls.length = 0;
    final = join(root, 'a/b/c/data');
    await driver.putContent('/a/b/c/data', 'manifest');
    assert.equal(await readFile(final, 'utf8'), 'manifest');
    const [first, ...dirs] = rec.calls;
    assert.equal(first?.kind, 'file');
    assert.equal(first?.finalExists, false, 'bytes synced before the name is visible');
    assert.ok(first?.path.startsWith(join(root, 'a/b/c/.tmp-')));
    assert.deepEqual(
      dirs.map((c) => c.kind),
      ['dir', 'dir', 'dir', 'dir'],
    );
    assert.ok(
      dirs.every((c) => c.finalExists),
      'folders synced after the rename',
    );
    assert.deepEqual(dirs.map((c) => c.path).sort(), [root, join(root, 'a'), join(root, 'a/b'), join(root, 'a/b/c')].sort());
  });

  it('putContent into an existing folder syncs only that folder', async () => {
    rec.calls.length = 0;
    final = join(root, 'a/b/c/data');
    await driver.putContent('/a/b/c/data', 'again');
    assert.deepEqual(
      rec.calls.map((c) => [c.kind, c.finalExists]),
      [
        ['file', true],
        ['dir', true],
      ],
    );
    assert.equal(rec.calls[1]?.path, join(root, 'a/b/c'));
  });

  it('durable: false (upload bookkeeping) syncs nothing', async () => {
    rec.calls.length = 0;
    await driver.putContent('/uploads/x/startedat', 'now', { durable: false });
    assert.deepEqual(rec.calls, []);
  });

  it('writer then move (an upload promoted): bytes synced at commit, the new name after the rename', async () => {
    rec.calls.length = 0;
    final = join(root, 'blobs/ab/abc/data');
    const w = await driver.writer('/uploads/y/data', false);
    w.end(Buffer.alloc(1000, 7));
    await w.commit();
    assert.deepEqual(
      rec.calls.map((c) => [c.kind, c.path, c.finalExists]),
      [['file', join(root, 'uploads/y/data'), false]],
    );
    await driver.move('/uploads/y/data', '/blobs/ab/abc/data');
    const dirs = rec.calls.slice(1);
    assert.ok(dirs.length >= 1 && dirs.every((c) => c.kind === 'dir' && c.finalExists));
    assert.ok(dirs.some((c) => c.path === join(root, 'blobs/ab/abc')));
    assert.equal((await readFile(final)).length, 1000);
  });
});

describe('Rounds (group commit)', () => {
  it('concurrent callers share runs, and each waits for a run that started after it asked', async () => {
    let runs = 0;
    let changes = 0;
    const seen: number[] = [];
    const rounds = new Rounds(async () => {
      runs++;
      const snapshot = changes;
      await new Promise((r) => setTimeout(r, 5));
      seen.push(snapshot);
    });
    const waits = [];
    for (let i = 0; i < 20; i++) {
      const mine = ++changes;
      waits.push(rounds.run('/dir').then(() => assert.ok(Math.max(...seen) >= mine, `change ${mine} covered by a run`)));
    }
    await Promise.all(waits);
    assert.equal(runs, 2, 'twenty commits, two fsyncs');
    await rounds.run('/dir');
    assert.equal(runs, 3);
  });

  it('a failed run rejects its callers and the next run still happens', async () => {
    let fail = true;
    const rounds = new Rounds(async () => {
      if (fail) throw new Error('EIO');
    });
    await assert.rejects(rounds.run('k'), /EIO/);
    fail = false;
    await rounds.run('k');
  });
});
