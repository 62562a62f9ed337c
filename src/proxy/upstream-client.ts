/**
 * The HTTP client of one upstream registry: challenge-driven auth (upstream-auth.ts),
 * retries with exponential backoff, 429 + Retry-After, a circuit breaker, redirects followed
 * by hand so Authorization never goes to another host (Docker Hub sends blob GETs to a CDN),
 * a `Via` header naming this instance for loop detection, and rate-limit headers recorded.
 */
import type { UpstreamConfig } from '../config/proxy-schema.js';
import type { Logger } from '../log.js';
import { CircuitBreaker } from './breaker.js';
import { parseChallenge } from './challenge.js';
import { setResponseHeader } from './context.js';
import { UpstreamDeniedError, UpstreamRateLimitedError, UpstreamUnavailableError } from './errors.js';
import type { ProxyStats } from './stats.js';
import { UpstreamAuth } from './upstream-auth.js';

/** Tuning shared by every upstream client. */
export interface ClientOptions {
  timeoutMs: number;
  retries: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
  /** This instance's token in `Via` ("berth-<id>"). */
  viaToken: string;
  /** Longest Retry-After we are willing to wait inside one request. */
  maxRetryAfterMs?: number;
  /** First backoff delay (doubled per retry). */
  backoffMs?: number;
}

/** Per-request options. */
export interface RequestOptions {
  accept?: string;
  /** The client's incoming Via, extended with ours. */
  via?: string;
  /** Override the configured retry count (0 when stale content is at hand). */
  retries?: number;
}

const MAX_REDIRECTS = 5;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Talks to one upstream. */
export class UpstreamClient {
  readonly breaker: CircuitBreaker;
  private readonly auth: UpstreamAuth;

  constructor(
    readonly upstream: UpstreamConfig,
    private readonly opts: ClientOptions,
    private readonly stats: ProxyStats,
    private readonly log: Logger,
  ) {
    this.breaker = new CircuitBreaker(opts.breakerThreshold, opts.breakerCooldownMs);
    this.auth = new UpstreamAuth(upstream, opts.timeoutMs);
  }

  /**
   * Send `method` to `/v2/<remote>/<path>`. Returns the final response for any status below
   * 500 except 401 and 429 (the caller reads or cancels its body); throws
   * UpstreamUnavailableError, UpstreamRateLimitedError or UpstreamDeniedError otherwise.
   */
  async request(method: 'GET' | 'HEAD', remote: string, path: string, ro: RequestOptions = {}): Promise<Response> {
    const name = this.upstream.name;
    if (!this.breaker.allow()) throw new UpstreamUnavailableError(`upstream ${name} is failing; circuit breaker open`);
    const url = `${this.upstream.url}/v2/${remote}/${path}`;
    const scope = `repository:${remote}:pull`;
    const retries = ro.retries ?? this.opts.retries;
    let last = '';
    for (let attempt = 0; ; attempt++) {
      let res: Response | undefined;
      try {
        res = await this.once(method, url, scope, ro);
      } catch (err) {
        if (err instanceof UpstreamDeniedError) {
          this.fail();
          throw err;
        }
        last = (err as Error).message;
      }
      let wait = (this.opts.backoffMs ?? 200) * 2 ** attempt;
      if (res) {
        this.recordRateLimit(res);
        if (res.status !== 429 && res.status < 500) {
          this.breaker.success();
          return res;
        }
        await res.body?.cancel();
        last = `answered ${res.status}`;
        if (res.status === 429) {
          const after = retryAfterMs(res.headers.get('retry-after'));
          if (attempt >= retries || (after ?? 0) > (this.opts.maxRetryAfterMs ?? 10_000)) {
            this.fail();
            throw new UpstreamRateLimitedError(`upstream ${name} is rate-limiting pulls`, {
              retryAfter: res.headers.get('retry-after') ?? undefined,
            });
          }
          wait = after ?? wait;
        }
      }
      if (attempt >= retries) break;
      this.log.debug('upstream retry', { upstream: name, url, attempt: attempt + 1, reason: last, waitMs: wait });
      await sleep(wait * (0.8 + Math.random() * 0.4));
    }
    this.fail();
    throw new UpstreamUnavailableError(`upstream ${name} unavailable: ${last}`);
  }

  /** One logical request: auth challenge answered once, redirects followed. */
  private async once(method: string, url: string, scope: string, ro: RequestOptions): Promise<Response> {
    let authz = this.auth.cached(scope);
    let res = await this.send(method, url, authz, ro);
    if (res.status === 401) {
      await res.body?.cancel();
      this.auth.forget(scope);
      authz = await this.auth.answer(parseChallenge(res.headers.get('www-authenticate')), scope);
      res = await this.send(method, url, authz, ro);
      if (res.status === 401) {
        await res.body?.cancel();
        throw new UpstreamDeniedError(`upstream ${this.upstream.name} refused our token for ${scope}`);
      }
    }
    const origin = new URL(url).origin;
    for (let hops = 0; res.status >= 300 && res.status < 400 && res.headers.has('location'); hops++) {
      if (hops >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
      await res.body?.cancel();
      const next = new URL(res.headers.get('location')!, url);
      // Credentials are for the registry only, never for a CDN or any other host.
      res = await this.send(method, next.href, next.origin === origin ? authz : undefined, ro);
    }
    return res;
  }

  private async send(method: string, url: string, authz: string | undefined, ro: RequestOptions): Promise<Response> {
    const via = `1.1 ${this.opts.viaToken}`;
    const headers: Record<string, string> = {
      'User-Agent': 'berth-proxy',
      Via: ro.via ? `${ro.via}, ${via}` : via,
    };
    if (ro.accept) headers['Accept'] = ro.accept;
    if (authz) headers['Authorization'] = authz;
    const ac = new AbortController();
    // The timeout covers reaching the response headers only; bodies may take long.
    const timer = setTimeout(() => ac.abort(new Error(`no answer within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
    this.stats.of(this.upstream.name).upstreamRequests++;
    try {
      return await fetch(url, { method, headers, redirect: 'manual', signal: ac.signal });
    } finally {
      clearTimeout(timer);
    }
  }

  private fail(): void {
    this.breaker.failure();
    this.stats.of(this.upstream.name).errors++;
  }

  /** Docker Hub's pull limit headers: kept for stats, logged, copied to our response. */
  private recordRateLimit(res: Response): void {
    const limit = res.headers.get('ratelimit-limit');
    const remaining = res.headers.get('ratelimit-remaining');
    if (limit === null && remaining === null) return;
    const source = res.headers.get('docker-ratelimit-source');
    this.stats.of(this.upstream.name).rateLimit = { limit, remaining, source, at: new Date().toISOString() };
    this.log.info('upstream rate limit', { upstream: this.upstream.name, limit, remaining, source });
    if (limit !== null) setResponseHeader('RateLimit-Limit', limit);
    if (remaining !== null) setResponseHeader('RateLimit-Remaining', remaining);
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
