/**
 * Security and cache headers of the web UI's responses. The built UI has no inline script or
 * style (test/ui/build.test.ts checks), so the policy allows only files from this origin, and
 * Trusted Types make any HTML string sink (innerHTML and kin) throw: names, tags and labels
 * reach the page as text or not at all.
 */
import type { Response } from 'express';

/** The Content-Security-Policy of every UI response. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  // The UI talks to its own origin only (/api/v1, and /v2/ to learn whether auth is on).
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // frame-ancestors for browsers that predate it.
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/** Hashed assets never change under their name; everything else is revalidated on each use. */
export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and other unhashed files: always revalidated (ETag makes that a 304). */
export const CACHE_REVALIDATE = 'no-cache';

/** Set the security headers on a UI response. */
export function setSecurityHeaders(res: Response): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}
