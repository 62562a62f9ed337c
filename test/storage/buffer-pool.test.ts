/** The read-buffer pool: reuse after release, larger buffers serve smaller reads, foreign and repeated releases ignored, a cap. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferPool } from '../../src/storage/buffer-pool.js';

describe('buffer pool', () => {
  it('a released buffer (or a slice of it) is handed out again', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.acquire(60_000);
    assert.equal(a.length, 65536);
    pool.release(a.subarray(0, 10));
    assert.equal(pool.acquire(65536), a);
  });

  it('a larger free buffer serves a smaller read; a smaller one does not serve a larger', () => {
    const pool = new BufferPool(1 << 20);
    const big = pool.acquire(256 << 10);
    const small = pool.acquire(4096);
    pool.release(small);
    pool.release(big);
    assert.equal(pool.acquire(100_000), big);
    assert.notEqual(pool.acquire(8192), small, 'a 4 KiB buffer cannot hold 8 KiB');
  });

  it('foreign chunks and second releases are ignored, so a buffer is never handed out twice', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.acquire(4096);
    pool.release(Buffer.alloc(4096));
    pool.release(a);
    pool.release(a);
    const first = pool.acquire(4096);
    const second = pool.acquire(4096);
    assert.equal(first, a);
    assert.notEqual(second, a);
  });

  it('keeps at most its cap of free buffers', () => {
    const pool = new BufferPool(8192);
    const bufs = [pool.acquire(4096), pool.acquire(4096), pool.acquire(4096)];
    for (const b of bufs) pool.release(b);
    const again = [pool.acquire(4096), pool.acquire(4096), pool.acquire(4096)];
    assert.equal(again.filter((b) => bufs.includes(b)).length, 2);
  });
});
