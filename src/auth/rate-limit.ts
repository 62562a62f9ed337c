/**
 * Failed-login limiter per client address: after `attempts` failures within `window` seconds
 * further logins from that address are refused (429) until the oldest failure ages out.
 * Under http.workers each worker keeps its own window and tells the others of each failure
 * (`shareWith`), so `check` stays synchronous and local while the count holds across workers.
 */
import { TooManyRequestsError } from './errors.js';

/** Most addresses remembered (each with at most `attempts` times): under a spray of addresses the oldest entry is forgotten. */
const MAX_ADDRESSES = 100_000;

/** A failed login told to the other workers: who, and when (ms, Date.now). */
export interface LoginFailure {
  address: string;
  at: number;
}

/** How a limiter reaches the other workers (implemented by src/cluster). */
export interface LoginPeers {
  /** Tell every other worker of this failure (fire and forget). */
  share(failure: LoginFailure): void;
  /** Register how the other workers' failures apply here. */
  onShare(apply: (failure: LoginFailure) => void): void;
}

/** Which limiter a shared failure belongs to: the registry's (/v2, /token) or the management API's. */
export type LimiterName = 'auth' | 'api';

/** Counts failed logins and refuses addresses over the limit. */
export interface LoginLimiter {
  /** Throw TooManyRequestsError when `address` is over the limit. */
  check(address: string): void;
  /** Record one failed login from `address` (and tell the peers, when shared). */
  fail(address: string): void;
  /** Under http.workers: tell `peers` of each failure here, and record theirs. */
  shareWith(peers: LoginPeers): void;
}

/** A limiter over an in-memory sliding window. */
export function createLoginLimiter(attempts: number, windowSeconds: number, now: () => number = Date.now): LoginLimiter {
  const windowMs = windowSeconds * 1000;
  const failures = new Map<string, number[]>();
  let peers: LoginPeers | undefined;
  const recent = (address: string): number[] => {
    const t = now();
    const list = (failures.get(address) ?? []).filter((at) => t - at < windowMs);
    if (list.length === 0) failures.delete(address);
    else failures.set(address, list);
    return list;
  };
  const add = (address: string, at: number): void => {
    const list = recent(address);
    if (now() - at >= windowMs) return;
    // Kept in time order (check reads the attempts-th newest): a peer's failure may arrive
    // after a later one of our own.
    let i = list.length;
    while (i > 0 && list[i - 1]! > at) i--;
    list.splice(i, 0, at);
    // Only the newest `attempts` count (check reads the oldest of them): fewer times per address.
    if (list.length > attempts) list.splice(0, list.length - attempts);
    failures.set(address, list);
    if (failures.size > MAX_ADDRESSES) failures.delete(failures.keys().next().value!);
  };
  return {
    check(address) {
      const list = recent(address);
      if (list.length < attempts) return;
      const waitMs = list[list.length - attempts]! + windowMs - now();
      throw new TooManyRequestsError(Math.max(1, Math.ceil(waitMs / 1000)));
    },
    fail(address) {
      const at = now();
      add(address, at);
      peers?.share({ address, at });
    },
    shareWith(p) {
      peers = p;
      p.onShare((failure) => add(failure.address, failure.at));
    },
  };
}
