/**
 * bcrypt password checks with a cache of recent successes. A registry client sends the same
 * Basic credentials on every request, and bcrypt in JavaScript costs ~100 ms per check at
 * cost 10; the cache keeps a SHA-256 of the accepted password per hash and compares it in
 * constant time, so a changed hash or password never matches a stale entry.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

// A valid hash of a random string, checked for unknown users so they cost as much as known ones.
const DUMMY_HASH = '$2b$10$W70W2TvHxE3BnMvkUecWK.c4Hs47n/c0scc.TOLfzu.8QwEoCC4cG';

/** Verifies passwords against bcrypt hashes. */
export interface PasswordChecker {
  /** Whether `password` matches `hash`; undefined hash = unknown user (still takes bcrypt time). */
  verify(hash: string | undefined, password: string): Promise<boolean>;
}

/** A checker remembering up to `max` accepted (hash, password) pairs. */
export function createPasswordChecker(max = 1000): PasswordChecker {
  const accepted = new Map<string, Buffer>();
  return {
    async verify(hash, password) {
      const digest = createHash('sha256').update(password, 'utf8').digest();
      if (hash !== undefined) {
        const known = accepted.get(hash);
        if (known && timingSafeEqual(known, digest)) return true;
      }
      // $2y$ (htpasswd -B) is the same algorithm as $2a$/$2b$.
      const ok = await bcrypt.compare(password, (hash ?? DUMMY_HASH).replace(/^\$2y\$/, '$2b$'));
      if (!ok || hash === undefined) return false;
      if (accepted.size >= max) accepted.delete(accepted.keys().next().value!);
      accepted.set(hash, digest);
      return true;
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
