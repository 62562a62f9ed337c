/**
 * Answering an upstream's challenge: Bearer (token from the realm, for the scope, anonymous
 * or with the configured credentials; cached per scope until it expires) or Basic (the
 * configured credentials). Only the upstream's own configured credentials are ever used:
 * the client's Authorization header never leaves Berth.
 */
import type { UpstreamConfig } from '../config/proxy-schema.js';
import type { Challenge } from './challenge.js';
import { UpstreamDeniedError, UpstreamUnavailableError } from './errors.js';

/** A token endpoint's answer (Docker's token spec; OAuth2 servers say access_token). */
interface TokenResponse {
  token?: string;
  access_token?: string;
  expires_in?: number;
}

/** Seconds a token is assumed valid when the server does not say (the spec's minimum). */
const DEFAULT_EXPIRY_S = 60;
/** Renew this long before expiry, so a token never runs out in flight. */
const MARGIN_MS = 10_000;

/** Authorization header values per scope for one upstream. */
export class UpstreamAuth {
  private readonly byScope = new Map<string, { header: string; expires: number }>();

  constructor(
    private readonly upstream: UpstreamConfig,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A still-valid header for `scope` from an earlier challenge, if any. */
  cached(scope: string): string | undefined {
    const hit = this.byScope.get(scope);
    if (hit && hit.expires > this.now()) return hit.header;
    if (hit) this.byScope.delete(scope);
    return undefined;
  }

  /** Forget the header of a scope (the upstream refused it). */
  forget(scope: string): void {
    this.byScope.delete(scope);
  }

  /** Answer a challenge for `scope`; UpstreamDeniedError when it cannot be answered. */
  async answer(challenge: Challenge | null, scope: string): Promise<string> {
    if (challenge?.scheme === 'basic') {
      const header = this.basic();
      if (!header) throw new UpstreamDeniedError(`upstream ${this.upstream.name} wants credentials and none are configured`);
      this.byScope.set(scope, { header, expires: Number.POSITIVE_INFINITY });
      return header;
    }
    const realm = challenge?.scheme === 'bearer' ? challenge.params['realm'] : undefined;
    if (!realm) throw new UpstreamDeniedError(`upstream ${this.upstream.name} answered 401 without a usable challenge`);
    const url = new URL(realm);
    if (challenge!.params['service']) url.searchParams.set('service', challenge!.params['service']);
    url.searchParams.set('scope', challenge!.params['scope'] ?? scope);
    const headers: Record<string, string> = { Accept: 'application/json' };
    const basic = this.basic();
    if (basic) headers['Authorization'] = basic;
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new UpstreamUnavailableError(`token server of ${this.upstream.name} unreachable: ${String(err)}`);
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new UpstreamDeniedError(`token server of ${this.upstream.name} refused the credentials`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new UpstreamUnavailableError(`token server of ${this.upstream.name} answered ${res.status}`);
    }
    const body = (await res.json()) as TokenResponse;
    const token = body.token ?? body.access_token;
    if (!token) throw new UpstreamDeniedError(`token server of ${this.upstream.name} sent no token`);
    const header = `Bearer ${token}`;
    const expiresIn = (body.expires_in ?? DEFAULT_EXPIRY_S) * 1000;
    this.byScope.set(scope, { header, expires: this.now() + Math.max(0, expiresIn - MARGIN_MS) });
    return header;
  }

  private basic(): string | undefined {
    const { username, password } = this.upstream;
    if (username === undefined) return undefined;
    return `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
  }
}
