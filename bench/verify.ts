/** Response checks that throw a CheckError, and a tally of the errors a scenario met. */
import { createHash } from 'node:crypto';
import type { Received } from './client.js';

/** A response that did not match what the API promises. */
export class CheckError extends Error {
  override name = 'CheckError';
}

function describe(res: Received): string {
  const text = res.body.subarray(0, 200).toString('utf8').replace(/\s+/g, ' ');
  return `${res.url.pathname}${res.url.search ? '?…' : ''} -> ${res.status}${text ? ` ${text}` : ''}`;
}

/** The status must be `want`. */
export function expectStatus(res: Received, want: number, what: string): void {
  if (res.status !== want) throw new CheckError(`${what}: expected ${want}, got ${describe(res)}`);
}

/** A header must be present (and equal `want` when given); returns its value. */
export function expectHeader(res: Received, name: string, what: string, want?: string): string {
  const raw = res.headers[name.toLowerCase()];
  const value = Array.isArray(raw) ? raw.join(', ') : raw;
  if (value === undefined || value === '') throw new CheckError(`${what}: no ${name} header (${describe(res)})`);
  if (want !== undefined && value !== want) throw new CheckError(`${what}: ${name} is ${value}, expected ${want}`);
  return value;
}

/** Docker-Content-Digest must equal `digest`. */
export function expectDigestHeader(res: Received, digest: string, what: string): void {
  expectHeader(res, 'Docker-Content-Digest', what, digest);
}

/** The body (hashed or buffered) must have this digest and, when given, this size. */
export function expectBody(res: Received, digest: string, size: number | undefined, what: string): void {
  if (size !== undefined && res.bytes !== size) throw new CheckError(`${what}: body has ${res.bytes} bytes, expected ${size}`);
  const got = res.bodyDigest ?? `sha256:${sha256Hex(res.body)}`;
  if (got !== digest) throw new CheckError(`${what}: body hashes to ${got}, expected ${digest}`);
}

function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Error count of one scenario run, with the first few messages kept. */
export class ErrorTally {
  count = 0;
  readonly samples: string[] = [];

  /** Record one error. */
  add(err: unknown): void {
    this.count++;
    const msg = err instanceof Error ? err.message : String(err);
    if (this.samples.length < 5 && !this.samples.includes(msg)) this.samples.push(msg.slice(0, 400));
  }

  /** Fold another tally into this one. */
  merge(other: ErrorTally): void {
    this.count += other.count;
    for (const s of other.samples) if (this.samples.length < 5 && !this.samples.includes(s)) this.samples.push(s);
  }
}
