/**
 * The primary's pin table (src/cluster/pin-board.ts): a push's pin in one worker and a
 * collector's claim in another, ordered as the primary receives them; workers forward their
 * pins only while a run is in progress, and a run starts only once every worker does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PinBoard, type ActiveNotice } from '../../src/cluster/pin-board.js';

const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);

/** A board over workers 1, 2 and 3, recording what it tells each. */
function board(): { board: PinBoard; told: Map<number, ActiveNotice[]>; linked: Set<number> } {
  const told = new Map<number, ActiveNotice[]>();
  const linked = new Set([1, 2, 3]);
  const b = new PinBoard(
    (w, n) => told.set(w, [...(told.get(w) ?? []), n]),
    () => linked,
  );
  return { board: b, told, linked };
}

/** Pin and report whether it was granted at once. */
function pinNow(b: PinBoard, worker: number, digests: string[]): { granted: boolean } {
  const state = { granted: false };
  b.pin(worker, digests, () => (state.granted = true));
  return state;
}

/** Begin a run in `worker` with every other worker answering at once with no pins. */
function beginNow(b: PinBoard, told: Map<number, ActiveNotice[]>, worker: number): void {
  let ready = false;
  b.begin(worker, [], () => (ready = true));
  for (const [w, notices] of told) {
    const seq = notices.at(-1)?.seq;
    if (seq !== undefined && w !== worker) b.forwarded(w, seq, []);
  }
  assert.equal(ready, true);
}

describe('cluster pin board', () => {
  it('a digest pinned by one worker cannot be claimed by another until released', () => {
    const { board: b } = board();
    assert.equal(pinNow(b, 1, [A, A]).granted, true);
    assert.equal(b.claim(2, A), false);
    b.unpin(1, [A, A]);
    assert.equal(b.claim(2, A), true, 'released, no run in progress');
    assert.equal(b.claim(3, A), false, 'already being deleted');
  });

  it('two holds of one digest need two releases', () => {
    const { board: b } = board();
    pinNow(b, 1, [A]);
    pinNow(b, 1, [A]);
    b.unpin(1, [A]);
    assert.equal(b.claim(2, A), false);
    b.unpin(1, [A]);
    assert.equal(b.claim(2, A), true);
  });

  it('a pin taken while a delete is in flight waits for it, whatever worker claimed', () => {
    const { board: b } = board();
    assert.equal(b.claim(2, A), true);
    const pin = pinNow(b, 1, [A, B]);
    assert.equal(pin.granted, false);
    b.claimed(1, A);
    assert.equal(pin.granted, false, 'only the claimer ends its delete');
    b.claimed(2, A);
    assert.equal(pin.granted, true);
  });

  it('a run starts once every other worker forwards and has sent the pins it held; the last run to end stops forwarding', () => {
    const { board: b, told } = board();
    let ready = false;
    b.begin(2, [B], () => (ready = true));
    assert.deepEqual(told.get(1), [{ active: true, seq: 1 }]);
    assert.deepEqual(told.get(3), [{ active: true, seq: 1 }]);
    assert.equal(told.get(2), undefined, 'not the worker that begins');
    b.forwarded(1, 1, [A]);
    assert.equal(ready, false, 'worker 3 has not answered');
    b.forwarded(3, 1, []);
    assert.equal(ready, true);
    assert.equal(b.claim(2, A), false, "worker 1's pin from before the run");
    assert.equal(b.claim(3, B), false, "the beginning worker's own pin");
    // A second run (worker 3) starts at once: everyone forwards already.
    let second = false;
    b.begin(3, [], () => (second = true));
    assert.equal(second, true);
    b.unpin(1, [A]);
    b.end(2);
    assert.equal(b.claim(3, A), false, 'pinned during a run still in progress');
    assert.deepEqual(told.get(1)?.at(-1), { active: true, seq: 1 }, 'no idle notice while a run is left');
    b.end(3);
    for (const w of [1, 2, 3]) assert.deepEqual(told.get(w)?.at(-1), { active: false });
    b.unpin(2, [B]);
    assert.equal(b.claim(3, A), true, 'no run left: forgotten');
  });

  it('a run that begins while another is switching waits for the same answers', () => {
    const { board: b, told } = board();
    let first = false;
    let second = false;
    b.begin(1, [], () => (first = true));
    b.begin(2, [], () => (second = true));
    b.forwarded(2, 1, []);
    assert.deepEqual([first, second], [false, false]);
    b.forwarded(3, 1, []);
    assert.deepEqual([first, second], [true, true]);
    assert.equal(told.get(1), undefined, 'the first to begin is not asked');
  });

  it('a worker that links is told whether runs are in progress', () => {
    const { board: b, told } = board();
    b.hello(4);
    beginNow(b, told, 1);
    b.hello(5);
    assert.deepEqual([told.get(4), told.get(5)], [[{ active: false }], [{ active: true }]]);
  });

  it("a dead worker's pins, runs and deletes end with it, and switching does not wait for it", () => {
    const { board: b, told } = board();
    pinNow(b, 1, [A]);
    beginNow(b, told, 1);
    assert.equal(b.claim(1, B), true);
    const waiting = pinNow(b, 2, [B]);
    b.releaseAll(1);
    assert.equal(waiting.granted, true, 'its delete is over');
    for (const w of [2, 3]) assert.deepEqual(told.get(w)?.at(-1), { active: false }, 'its run was the last');
    b.unpin(2, [B]);
    assert.equal(b.size, 0);
    assert.equal(b.claim(3, A), true, 'its pin and its run are gone');

    let ready = false;
    b.begin(2, [], () => (ready = true));
    b.forwarded(1, 2, []);
    b.releaseAll(3);
    assert.equal(ready, true, 'worker 3 died before answering');
  });
});
