/**
 * What the UI knows about the server before any management API call: whether the registry asks
 * for credentials (the challenge of `GET /v2/`, observable on every Berth) and whether the
 * management API is there (its OpenAPI document at /api/v1/openapi.json).
 */
import { createStore } from './store.js';
import { parseChallenges } from './www-authenticate.js';

/** How /v2 authenticates: off (anyone may push and delete), htpasswd (Basic) or tokens (Bearer). */
export type AuthMode = 'off' | 'basic' | 'bearer' | 'unknown';

/** Facts learned at start. */
export interface ServerFacts {
  /** Undefined until the probes have answered. */
  auth?: AuthMode;
  /** Is /api/v1 served? */
  api?: boolean;
}

/** The facts, filled in by probeServer(). */
export const serverFacts = createStore<ServerFacts>({});

/** The auth mode a `GET /v2/` answer shows. */
export function authModeOf(status: number, wwwAuthenticate: string | null): AuthMode {
  if (status >= 200 && status < 300) return 'off';
  if (status !== 401 || !wwwAuthenticate) return 'unknown';
  const schemes = parseChallenges(wwwAuthenticate).map((c) => c.scheme);
  if (schemes.includes('bearer')) return 'bearer';
  if (schemes.includes('basic')) return 'basic';
  return 'unknown';
}

/** Ask the server; never throws (an unreachable server leaves the facts unknown). */
export async function probeServer(): Promise<void> {
  // credentials 'omit': a 401 with a Basic challenge must not open the browser's password dialog.
  const auth = fetch('/v2/', { credentials: 'omit', cache: 'no-store' }).then(
    (r) => authModeOf(r.status, r.headers.get('www-authenticate')),
    () => 'unknown' as const,
  );
  const api = fetch('/api/v1/openapi.json', { cache: 'no-store' }).then(
    (r) => r.ok,
    () => false,
  );
  serverFacts.set({ auth: await auth, api: await api });
}
