/**
 * Failed-login limiter per client address: after `attempts` failures within `window` seconds
 * further logins from that address are refused (429) until the oldest failure ages out.
 */
import { TooManyRequestsError } from './errors.js';

/** Counts failed logins and refuses addresses over the limit. */
export interface LoginLimiter {
  /** Throw TooManyRequestsError when `address` is over the limit. */
  check(address: string): void;
  /** Record one failed login from `address`. */
  fail(address: string): void;
}

/** A limiter over an in-memory sliding window. */
export function createLoginLimiter(attempts: number, windowSeconds: number, now: () => number = Date.now): LoginLimiter {
  const windowMs = windowSeconds * 1000;
  const failures = new Map<string, number[]>();
  const recent = (address: string): number[] => {
    const t = now();
    const list = (failures.get(address) ?? []).filter((at) => t - at < windowMs);
    if (list.length === 0) failures.delete(address);
    else failures.set(address, list);
    return list;
  };
  return {
    check(address) {
      const list = recent(address);
      if (list.length < attempts) return;
      const waitMs = list[list.length - attempts]! + windowMs - now();
      throw new TooManyRequestsError(Math.max(1, Math.ceil(waitMs / 1000)));
    },
    fail(address) {
      const list = recent(address);
      list.push(now());
      failures.set(address, list);
      // Bound memory under a spray of addresses: forget the oldest entry.
      if (failures.size > 100_000) failures.delete(failures.keys().next().value!);
    },
  };
}
