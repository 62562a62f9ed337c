/**
 * Credentials at rest: bcrypt for passwords (people choose them, so they must be slow to
 * guess), a keyed SHA-256 (HMAC) for robot secrets (256 random bits: nothing to guess, so a
 * fast check is enough and robot logins cost microseconds, not bcrypt's ~70 ms).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { InvalidInputError } from './errors.js';

/** bcrypt's cost for new password hashes (2^10 rounds, about 70 ms in JavaScript). */
export const BCRYPT_COST = 10;

/** Throw InvalidInputError for a password that is too short or too long for bcrypt. */
export function checkPassword(password: string): void {
  if (password.length < 8) throw new InvalidInputError('a password needs at least 8 characters');
  // bcrypt ignores everything past 72 bytes: refuse rather than silently accept the rest.
  if (Buffer.byteLength(password, 'utf8') > 72) throw new InvalidInputError('a password may have at most 72 bytes');
}

/** The bcrypt hash of `password`. */
export function hashPassword(password: string, cost = BCRYPT_COST): Promise<string> {
  return bcrypt.hash(password, cost);
}

/** A random password for generated accounts: 20 characters of base64url (120 bits). */
export const randomPassword = (): string => randomBytes(15).toString('base64url');

/** A new robot secret: 32 random bytes in base64url (43 characters, safe unquoted in a shell). */
export const newRobotSecret = (): string => randomBytes(32).toString('base64url');

/** A new key for robot secret hashes (kept in the settings table). */
export const newSecretKey = (): string => randomBytes(32).toString('base64url');

/** How a robot secret is stored: HMAC-SHA256 under the installation's key. */
export function robotSecretHash(key: string, secret: string): string {
  return `hmac-sha256:${createHmac('sha256', key).update(secret, 'utf8').digest('base64url')}`;
}

/** Whether `secret` matches `stored` (constant time). */
export function robotSecretMatches(key: string, secret: string, stored: string): boolean {
  const got = Buffer.from(robotSecretHash(key, secret));
  const want = Buffer.from(stored);
  return got.length === want.length && timingSafeEqual(got, want);
}

/**
 * A fingerprint of a stored credential hash, put in refresh tokens: when the password or secret
 * changes, the hash and so the fingerprint change, and older refresh tokens stop working.
 */
export const credentialStamp = (storedHash: string): string => createHash('sha256').update(storedHash).digest('base64url').slice(0, 16);
