/**
 * bcrypt password checks with a cache of recent successes. A registry client sends the same
 * Basic credentials on every request, and bcrypt in JavaScript costs ~100 ms per check at
 * cost 10; the cache keeps a SHA-256 of the accepted password per hash and compares it in
 * constant time, so a changed hash or password never matches a stale entry.
 *
 * An unknown user name must cost what a wrong password costs, or the time of an answer tells
 * which names exist: refuse() runs bcrypt against a dummy hash of the cost the caller's real
 * hashes have (bcrypt's time doubles with each step of cost, so one fixed dummy cannot do).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** The cost assumed where there are no real hashes to copy (bcrypt's usual 10). */
export const DEFAULT_COST = 10;

/** Verifies passwords against bcrypt hashes. */
export interface PasswordChecker {
  /** Whether `password` matches `hash`. */
  verify(hash: string, password: string): Promise<boolean>;
  /** For an unknown user: the same bcrypt work as a check against a hash of `cost`, then false. */
  refuse(password: string, cost: number): Promise<false>;
}

/** The cost (log2 rounds) of a bcrypt hash, or undefined when it is not one. */
export function costOf(hash: string): number | undefined {
  const m = /^\$2[abxy]\$(\d\d)\$/.exec(hash);
  return m ? Number(m[1]) : undefined;
}

/** The cost most of `hashes` have (what an unknown user's dummy check should cost). */
export function typicalCost(hashes: Iterable<string>): number {
  const counts = new Map<number, number>();
  for (const h of hashes) {
    const c = costOf(h);
    if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best = DEFAULT_COST;
  let seen = 0;
  for (const [cost, n] of counts) if (n > seen) [best, seen] = [cost, n];
  return best;
}

// One dummy hash per cost (of a random string nobody knows), made on first use.
const dummies = new Map<number, Promise<string>>();

/** A bcrypt hash of a random string at `cost` (4 to 31), the same one for the life of the process. */
export function dummyHash(cost: number): Promise<string> {
  const c = Math.min(31, Math.max(4, Math.round(cost)));
  let d = dummies.get(c);
  if (!d) dummies.set(c, (d = bcrypt.hash(randomBytes(16).toString('hex'), c)));
  return d;
}

/** A checker remembering up to `max` accepted (hash, password) pairs. */
export function createPasswordChecker(max = 1000): PasswordChecker {
  const accepted = new Map<string, Buffer>();
  return {
    async verify(hash, password) {
      const digest = createHash('sha256').update(password, 'utf8').digest();
      const known = accepted.get(hash);
      if (known && timingSafeEqual(known, digest)) return true;
      // $2y$ (htpasswd -B) is the same algorithm as $2a$/$2b$.
      if (!(await bcrypt.compare(password, hash.replace(/^\$2y\$/, '$2b$')))) return false;
      if (accepted.size >= max) accepted.delete(accepted.keys().next().value!);
      accepted.set(hash, digest);
      return true;
    },
    async refuse(password, cost) {
      await bcrypt.compare(password, await dummyHash(cost));
      return false;
    },
  };
}

/** Username and password of a `Basic` Authorization header, or undefined when absent/other. */
export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return undefined;
  return { user: text.slice(0, i), password: text.slice(i + 1) };
}
