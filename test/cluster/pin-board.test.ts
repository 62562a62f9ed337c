/**
 * The primary's pin table (src/cluster/pin-board.ts): a push's pin in one worker and a
 * collector's claim in another, ordered as the primary receives them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PinBoard } from '../../src/cluster/pin-board.js';

const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);

/** Pin and report whether it was granted at once. */
function pinNow(board: PinBoard, worker: number, digests: string[]): { granted: boolean } {
  const state = { granted: false };
  board.pin(worker, digests, () => (state.granted = true));
  return state;
}

describe('cluster pin board', () => {
  it('a digest pinned by one worker cannot be claimed by another until released', () => {
    const board = new PinBoard();
    assert.equal(pinNow(board, 1, [A, A]).granted, true);
    assert.equal(board.claim(2, A), false);
    board.unpin(1, [A, A]);
    assert.equal(board.claim(2, A), true, 'released, no run in progress');
    assert.equal(board.claim(3, A), false, 'already being deleted');
  });

  it('two holds of one digest need two releases', () => {
    const board = new PinBoard();
    pinNow(board, 1, [A]);
    pinNow(board, 1, [A]);
    board.unpin(1, [A]);
    assert.equal(board.claim(2, A), false);
    board.unpin(1, [A]);
    assert.equal(board.claim(2, A), true);
  });

  it('a pin taken while a delete is in flight waits for it, whatever worker claimed', () => {
    const board = new PinBoard();
    assert.equal(board.claim(2, A), true);
    const pin = pinNow(board, 1, [A, B]);
    assert.equal(pin.granted, false);
    board.claimed(1, A);
    assert.equal(pin.granted, false, 'only the claimer ends its delete');
    board.claimed(2, A);
    assert.equal(pin.granted, true);
  });

  it('a digest pinned since a run began stays spared until every run has ended', () => {
    const board = new PinBoard();
    board.run(2, true);
    board.run(3, true);
    pinNow(board, 1, [A]);
    board.unpin(1, [A]);
    assert.equal(board.claim(2, A), false, 'pinned during the run');
    board.run(2, false);
    assert.equal(board.claim(3, A), false, 'another run is still in progress');
    board.run(3, false);
    assert.equal(board.claim(2, A), true);
  });

  it("a dead worker's pins, runs and deletes end with it", () => {
    const board = new PinBoard();
    pinNow(board, 1, [A]);
    board.run(1, true);
    assert.equal(board.claim(1, B), true);
    const waiting = pinNow(board, 2, [B]);
    board.releaseAll(1);
    assert.equal(waiting.granted, true, 'its delete is over');
    board.unpin(2, [B]);
    assert.equal(board.size, 0);
    assert.equal(board.claim(3, A), true, 'its pin and its run are gone');
  });
});
