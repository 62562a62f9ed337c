/**
 * The failed-login limiter's shared path: a failure here is told to the peers with its time, a
 * peer's failure counts here (in time order) without being told on, and each address keeps at
 * most `attempts` times.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TooManyRequestsError } from '../../src/auth/errors.js';
import { createLoginLimiter, type LoginFailure, type LoginPeers } from '../../src/auth/rate-limit.js';

/** Peers that record what is shared and let the test deliver the other workers' failures. */
function fakePeers(): LoginPeers & { told: LoginFailure[]; deliver(f: LoginFailure): void } {
  let apply: ((f: LoginFailure) => void) | undefined;
  const told: LoginFailure[] = [];
  return {
    told,
    share: (f) => void told.push(f),
    onShare: (a) => void (apply = a),
    deliver: (f) => apply!(f),
  };
}

const refusedAfter = (seconds: number) => (e: unknown) => e instanceof TooManyRequestsError && e.retryAfter === seconds;

describe('failed-login limiter across workers', () => {
  it('tells the peers of each failure here, with its time', () => {
    const now = 1_000_000;
    const limiter = createLoginLimiter(3, 60, () => now);
    const peers = fakePeers();
    limiter.shareWith(peers);
    limiter.fail('10.0.0.1');
    assert.deepEqual(peers.told, [{ address: '10.0.0.1', at: now }]);
  });

  it("counts the peers' failures here, by their time, and does not tell them back", () => {
    let now = 1_000_000;
    const limiter = createLoginLimiter(3, 60, () => now);
    const peers = fakePeers();
    limiter.shareWith(peers);
    peers.deliver({ address: '10.0.0.1', at: now - 10_000 });
    peers.deliver({ address: '10.0.0.1', at: now - 5_000 });
    limiter.check('10.0.0.1');
    limiter.fail('10.0.0.1');
    assert.equal(peers.told.length, 1, 'only the local failure is told');
    // The oldest of the three (10 s ago) sets the wait: 50 s.
    assert.throws(() => limiter.check('10.0.0.1'), refusedAfter(50));
    limiter.check('10.0.0.2');
    now += 50_000;
    limiter.check('10.0.0.1');
  });

  it('a failure that arrives late still counts in time order; one already out of the window does not', () => {
    const now = 1_000_000;
    const limiter = createLoginLimiter(2, 60, () => now);
    const peers = fakePeers();
    limiter.shareWith(peers);
    limiter.fail('10.0.0.1');
    peers.deliver({ address: '10.0.0.1', at: now - 30_000 });
    assert.throws(() => limiter.check('10.0.0.1'), refusedAfter(30));
    peers.deliver({ address: '10.0.0.2', at: now - 60_000 });
    peers.deliver({ address: '10.0.0.2', at: now - 61_000 });
    limiter.check('10.0.0.2');
  });

  it('keeps the newest `attempts` times per address', () => {
    let now = 1_000_000;
    const limiter = createLoginLimiter(2, 60, () => now);
    const peers = fakePeers();
    limiter.shareWith(peers);
    for (let i = 0; i < 5; i++) peers.deliver({ address: '10.0.0.1', at: now + i * 1000 });
    now += 4000;
    // With every time kept the oldest (0 s) would say 56; the newest two (3 s, 4 s) say 59.
    assert.throws(() => limiter.check('10.0.0.1'), refusedAfter(59));
  });

  it('without peers (one process) it counts as before', () => {
    const limiter = createLoginLimiter(1, 60);
    limiter.fail('10.0.0.1');
    assert.throws(() => limiter.check('10.0.0.1'), TooManyRequestsError);
  });
});
