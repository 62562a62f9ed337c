/**
 * The one behavioural suite every storage driver must pass (memory, disk, later S3), run
 * through BaseDriver exactly as the registry uses it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { InvalidOffsetError, InvalidPathError, PathNotFoundError } from '../../src/storage/driver.js';
import type { StorageDriver } from '../../src/storage/driver.js';

/** What a suite run needs from a backend: a fresh, empty driver and a way to dispose of it. */
export type DriverFactory = () => Promise<{ driver: StorageDriver; cleanup(): Promise<void> }>;

/** Read a whole stream into one buffer. */
export async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Register the shared driver tests under `name`, with a fresh driver per test. */
export function runDriverSuite(name: string, make: DriverFactory): void {
  describe(`storage driver: ${name}`, () => {
    let d: StorageDriver;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ driver: d, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup();
    });

    it('round-trips putContent / getContent, and overwrites', async () => {
      await d.putContent('/a/b/c', 'hello');
      assert.equal((await d.getContent('/a/b/c')).toString(), 'hello');
      await d.putContent('/a/b/c', Buffer.from('bye'));
      assert.equal((await d.getContent('/a/b/c')).toString(), 'bye');
      await d.putContent('/a/empty', '');
      assert.equal((await d.getContent('/a/empty')).length, 0);
    });

    it('getContent of a missing file or a directory is PathNotFoundError', async () => {
      await assert.rejects(d.getContent('/nope'), PathNotFoundError);
      await d.putContent('/dir/file', 'x');
      await assert.rejects(d.getContent('/dir'), PathNotFoundError);
      await assert.rejects(d.getContent('/dir/file/below'), PathNotFoundError);
    });

    it('reader honours offset and inclusive end', async () => {
      await d.putContent('/r', '0123456789');
      assert.equal((await drain(await d.reader('/r'))).toString(), '0123456789');
      assert.equal((await drain(await d.reader('/r', 3))).toString(), '3456789');
      assert.equal((await drain(await d.reader('/r', 3, 5))).toString(), '345');
      assert.equal((await drain(await d.reader('/r', 8, 100))).toString(), '89');
      assert.equal((await drain(await d.reader('/r', 10))).length, 0);
      assert.equal((await drain(await d.reader('/r', 4, 3))).length, 0);
    });

    it('reader rejects bad offsets and missing files', async () => {
      await d.putContent('/r', '0123456789');
      await assert.rejects(d.reader('/r', 11), InvalidOffsetError);
      await assert.rejects(d.reader('/r', -1), InvalidOffsetError);
      await assert.rejects(d.reader('/r', 5, 2), InvalidOffsetError);
      await assert.rejects(d.reader('/missing'), PathNotFoundError);
    });

    it('writer appends across two writers', async () => {
      const w1 = await d.writer('/up/data', false);
      w1.write('hello ');
      await w1.commit();
      // size counts bytes that reached the backend, so it is checked once they have.
      assert.equal(w1.size, 6);
      const w2 = await d.writer('/up/data', true);
      assert.equal(w2.size, 6);
      w2.write(Buffer.from('world'));
      await w2.commit();
      assert.equal(w2.size, 11);
      assert.equal((await d.getContent('/up/data')).toString(), 'hello world');
      assert.equal((await d.stat('/up/data')).size, 11);
    });

    it('writer without append truncates', async () => {
      await d.putContent('/t', 'long old content');
      const w = await d.writer('/t', false);
      assert.equal(w.size, 0);
      w.end('new');
      await w.commit();
      assert.equal((await d.getContent('/t')).toString(), 'new');
    });

    it('writer cancel removes the file', async () => {
      const w = await d.writer('/c/data', false);
      w.write('some bytes');
      await w.cancel();
      await assert.rejects(d.getContent('/c/data'), PathNotFoundError);
      await assert.rejects(d.stat('/c/data'), PathNotFoundError);
    });

    it('writer commit reports a failed stream', async () => {
      const w = await d.writer('/f/data', false);
      const source = Readable.from(
        (async function* () {
          yield Buffer.from('partial');
          throw new Error('client went away');
        })(),
      );
      await assert.rejects(pipeline(source, w), /client went away/);
      await assert.rejects(w.commit());
      await w.cancel();
      await assert.rejects(d.stat('/f/data'), PathNotFoundError);
    });

    it('writer rollback leaves the file as it was when opened, even after its stream failed', async () => {
      const w1 = await d.writer('/rb/data', false);
      w1.end('kept ');
      await w1.commit();
      const w2 = await d.writer('/rb/data', true);
      w2.write('dropped');
      await w2.rollback();
      assert.equal((await d.getContent('/rb/data')).toString(), 'kept ');
      assert.equal((await d.stat('/rb/data')).size, 5);
      const w3 = await d.writer('/rb/data', true);
      const failing = Readable.from(
        (async function* () {
          yield Buffer.from('x'.repeat(1 << 16));
          throw new Error('client went away');
        })(),
      );
      await assert.rejects(pipeline(failing, w3), /client went away/);
      await w3.rollback();
      assert.equal((await d.getContent('/rb/data')).toString(), 'kept ');
      const w4 = await d.writer('/rb/data', true);
      w4.end('and more');
      await w4.commit();
      assert.equal((await d.getContent('/rb/data')).toString(), 'kept and more');
      const fresh = await d.writer('/rb/new', false);
      fresh.write('never committed');
      await fresh.rollback();
      await assert.rejects(d.stat('/rb/new'), PathNotFoundError);
    });

    it('putContent survives a concurrent removal of its folder; delete survives concurrent writes below it', async () => {
      for (let round = 0; round < 40; round++) {
        const writes = Array.from({ length: 4 }, (_, i) => d.putContent(`/race/tags/t/index/${i}/link`, `round ${round}`));
        const removal = d.delete('/race/tags/t').catch((err: unknown) => {
          if (!(err instanceof PathNotFoundError)) throw err;
        });
        await Promise.all([...writes, removal]);
      }
      await d.putContent('/race/tags/t/current/link', 'last');
      assert.equal((await d.getContent('/race/tags/t/current/link')).toString(), 'last');
    });

    it('streams 64 MiB through writer and reader intact', async () => {
      const chunk = 1 << 20;
      const total = 64;
      const written = createHash('sha256');
      async function* generate(): AsyncGenerator<Buffer> {
        for (let i = 0; i < total; i++) {
          // Different bytes per chunk, so misordered or repeated chunks change the digest.
          const buf = Buffer.alloc(chunk, i % 251);
          buf.writeUInt32BE(i, 0);
          written.update(buf);
          yield buf;
        }
      }
      const w = await d.writer('/big/data', false);
      await pipeline(Readable.from(generate()), w);
      await w.commit();
      assert.equal(w.size, chunk * total);
      assert.equal((await d.stat('/big/data')).size, chunk * total);
      const read = createHash('sha256');
      for await (const part of await d.reader('/big/data')) read.update(part as Buffer);
      assert.equal(read.digest('hex'), written.digest('hex'));
    });

    it('stat describes files and directories', async () => {
      await d.putContent('/s/file', '12345');
      const file = await d.stat('/s/file');
      assert.deepEqual([file.path, file.size, file.isDir], ['/s/file', 5, false]);
      assert.ok(file.modTime instanceof Date && !Number.isNaN(file.modTime.getTime()));
      const dir = await d.stat('/s');
      assert.deepEqual([dir.path, dir.size, dir.isDir], ['/s', 0, true]);
      await assert.rejects(d.stat('/s/none'), PathNotFoundError);
    });

    it('list returns direct children as full paths', async () => {
      await d.putContent('/l/a', '1');
      await d.putContent('/l/b/deep', '2');
      await d.putContent('/l/c', '3');
      assert.deepEqual([...(await d.list('/l'))].sort(), ['/l/a', '/l/b', '/l/c']);
      assert.deepEqual([...(await d.list('/'))].sort(), ['/l']);
      await assert.rejects(d.list('/missing'), PathNotFoundError);
      await assert.rejects(d.list('/l/a'), PathNotFoundError);
    });

    it('move renames, creating parents and replacing the destination', async () => {
      await d.putContent('/m/src', 'payload');
      await d.move('/m/src', '/m/new/parent/dst');
      assert.equal((await d.getContent('/m/new/parent/dst')).toString(), 'payload');
      await assert.rejects(d.getContent('/m/src'), PathNotFoundError);

      await d.putContent('/m/other', 'winner');
      await d.move('/m/other', '/m/new/parent/dst');
      assert.equal((await d.getContent('/m/new/parent/dst')).toString(), 'winner');
      await assert.rejects(d.move('/m/absent', '/m/x'), PathNotFoundError);
    });

    it('move of a directory carries its tree', async () => {
      await d.putContent('/md/a/1', 'one');
      await d.putContent('/md/a/sub/2', 'two');
      await d.move('/md/a', '/md/b');
      assert.equal((await d.getContent('/md/b/sub/2')).toString(), 'two');
      await assert.rejects(d.stat('/md/a'), PathNotFoundError);
    });

    it('delete removes trees and rejects missing paths', async () => {
      await d.putContent('/del/x/1', '1');
      await d.putContent('/del/x/y/2', '2');
      await d.putContent('/del/keep', 'k');
      await d.delete('/del/x');
      await assert.rejects(d.stat('/del/x'), PathNotFoundError);
      await assert.rejects(d.getContent('/del/x/y/2'), PathNotFoundError);
      assert.equal((await d.getContent('/del/keep')).toString(), 'k');
      await d.delete('/del/keep');
      await assert.rejects(d.getContent('/del/keep'), PathNotFoundError);
      await assert.rejects(d.delete('/del/x'), PathNotFoundError);
    });

    it('walk is depth first in sorted order and honours skip', async () => {
      for (const p of ['/w/c/x', '/w/a/2', '/w/b', '/w/a/1']) await d.putContent(p, p);
      const all: string[] = [];
      await d.walk('/w', (info) => {
        all.push(info.isDir ? `${info.path}/` : info.path);
      });
      assert.deepEqual(all, ['/w/a/', '/w/a/1', '/w/a/2', '/w/b', '/w/c/', '/w/c/x']);

      const skipped: string[] = [];
      await d.walk('/w', async (info) => {
        skipped.push(info.path);
        return info.path === '/w/a' ? 'skip' : undefined;
      });
      assert.deepEqual(skipped, ['/w/a', '/w/b', '/w/c', '/w/c/x']);
      await assert.rejects(
        d.walk('/nowhere', () => undefined),
        PathNotFoundError,
      );
    });

    it('walk passes callback errors through unchanged', async () => {
      await d.putContent('/w/a', 'a');
      class Stop extends Error {}
      await assert.rejects(
        d.walk('/w', () => {
          throw new Stop('stop');
        }),
        Stop,
      );
    });

    it('rejects invalid paths before touching the backend', async () => {
      const bad = ['../x', '/a/../b', '/a//b', 'relative', '/a/%2e', '/a/.', '/a/', '', '/a b', '/a\\b', '/é'];
      for (const p of bad) {
        await assert.rejects(d.getContent(p), InvalidPathError, `getContent(${JSON.stringify(p)})`);
        await assert.rejects(d.putContent(p, 'x'), InvalidPathError, `putContent(${JSON.stringify(p)})`);
        await assert.rejects(d.writer(p, false), InvalidPathError, `writer(${JSON.stringify(p)})`);
      }
      await d.putContent('/ok', 'x');
      await assert.rejects(d.move('/ok', '/../escape'), InvalidPathError);
      await assert.rejects(d.delete('/'), InvalidPathError);
      assert.equal((await d.getContent('/ok')).toString(), 'x');
    });
  });
}
