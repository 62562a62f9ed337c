/**
 * What the caching decorators share: routing, one upstream client per upstream, stats,
 * tag check and pull times (shared with the other workers under http.workers), the loop
 * guard and the `Warning` for stale content.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { currentContext, requestLogFields, setResponseHeader } from './context.js';
import { MirrorReadOnlyError, ProxyLoopError, UpstreamRateLimitedError, UpstreamUnavailableError } from './errors.js';
import { Router, type Route } from './routing.js';
import { shareTimes, TimeMap, type ProxyPeers } from './shared-times.js';
import { COUNT_KEYS, ProxyStats, type UpstreamStats } from './stats.js';
import { UpstreamClient } from './upstream-client.js';
import type { Locks } from '../registry/keyed-lock.js';

/** RFC 7234's "Response is Stale" warning, as Distribution-compatible clients expect it. */
export const STALE_WARNING = '110 - "Response is Stale: upstream unavailable, served from cache"';

/** What snapshot() and totals() report per upstream. */
export type UpstreamSnapshot = { url: string; prefix: string; breaker: string } & UpstreamStats;

/** Shared state and helpers of the pull-through cache. */
export class ProxyService {
  readonly router: Router;
  readonly stats = new ProxyStats();
  /** This process's token in Via headers. */
  readonly viaToken = `berth-${randomBytes(6).toString('hex')}`;
  private readonly clients = new Map<string, UpstreamClient>();
  /** Last pull (ms) per "repo@digest" and "repo:tag"; eviction falls back to file times. */
  readonly pulled = new TimeMap();
  /** When a cached tag was last confirmed upstream, per "repo:tag". */
  readonly checked = new TimeMap();
  /** Under http.workers: locks across the workers, so one of them downloads a blob (set by startServer). */
  sharedLocks: Locks | undefined;
  #peers: ProxyPeers | undefined;

  constructor(
    readonly config: Config,
    readonly log: Logger,
  ) {
    this.router = new Router(config.proxy);
    const u = config.proxy.upstream;
    for (const up of config.proxy.upstreams) {
      const opts = {
        timeoutMs: u.timeout,
        retries: u.retries,
        breakerThreshold: u.breakerthreshold,
        breakerCooldownMs: u.breakercooldown,
        viaToken: this.viaToken,
      };
      this.clients.set(up.name, new UpstreamClient(up, opts, this.stats, log));
    }
  }

  /** The route of a mirrored repository, or null when it is local. */
  route(name: string): Route | null {
    return this.config.proxy.enabled ? this.router.route(name) : null;
  }

  /** The client of a route's upstream, after the loop guard. */
  client(route: Route): UpstreamClient {
    const via = currentContext()?.via;
    if (via?.includes(this.viaToken)) {
      throw new ProxyLoopError('request loop: this request already passed through this registry', { via });
    }
    return this.clients.get(route.upstream.name)!;
  }

  /** The Via to send upstream with the current request's own. */
  incomingVia(): string | undefined {
    return currentContext()?.via;
  }

  /** Whether an error means "upstream down, slow or rate-limiting" (stale content may answer). */
  isOutage(err: unknown): boolean {
    return err instanceof UpstreamUnavailableError || err instanceof UpstreamRateLimitedError || err instanceof ProxyLoopError;
  }

  /** Count a cache hit and remember the pull time. */
  hit(route: Route, key: string): void {
    this.stats.of(route.upstream.name).hits++;
    this.pulled.set(key, Date.now());
    if (this.clients.get(route.upstream.name)?.breaker.state !== 'closed') setResponseHeader('Warning', STALE_WARNING);
  }

  /** Count a miss (content fetched from the upstream). */
  miss(route: Route, key: string, what: string): void {
    this.stats.of(route.upstream.name).misses++;
    this.pulled.set(key, Date.now());
    this.log.info('proxy miss', { upstream: route.upstream.name, remote: route.remote, what, ...requestLogFields() });
  }

  /** Serve stale content: count it, log why, and set the Warning header. */
  stale(route: Route, key: string, err: unknown): void {
    this.stats.of(route.upstream.name).stale++;
    this.pulled.set(key, Date.now());
    this.log.warn('proxy serving stale content', {
      upstream: route.upstream.name,
      remote: route.remote,
      error: (err as Error).message,
      ...requestLogFields(),
    });
    setResponseHeader('Warning', STALE_WARNING);
  }

  /**
   * Under http.workers: share `checked` and `pulled` with the other workers (so a tag's TTL and
   * eviction's pull times hold across them) and let them read this worker's counters.
   */
  shareWith(peers: ProxyPeers): void {
    this.#peers = peers;
    shareTimes(this.checked, this.pulled, peers);
    peers.onStats(() => this.stats.counts());
  }

  /** This process's counters and breaker state, per upstream. */
  snapshot(): Record<string, UpstreamSnapshot> {
    return Object.fromEntries(
      this.config.proxy.upstreams.map((u) => [
        u.name,
        { url: u.url, prefix: u.prefix, breaker: this.clients.get(u.name)!.breaker.state, ...this.stats.of(u.name) },
      ]),
    );
  }

  /** snapshot() with the counters summed over every worker (breaker and rate limit stay this worker's). */
  async totals(): Promise<Record<string, UpstreamSnapshot>> {
    const others = this.#peers ? await this.#peers.stats() : [];
    const snap = this.snapshot();
    for (const counts of others) {
      for (const [name, c] of Object.entries(counts)) {
        const s = snap[name];
        if (s) for (const k of COUNT_KEYS) s[k] += c[k] ?? 0;
      }
    }
    return snap;
  }
}

/** Refuse a write into a mirrored repository with a message saying where pushes can go. */
export function denyWrite(proxy: ProxyService, name: string): void {
  const route = proxy.route(name);
  if (!route) return;
  const priv = proxy.router.privatePrefixes;
  const where = priv.length > 0 ? `push under one of the private prefixes: ${priv.join(', ')}` : 'no private prefix is configured';
  throw new MirrorReadOnlyError(`repository ${name} is a read-only mirror of upstream ${route.upstream.name}; ${where}`, {
    name,
    upstream: route.upstream.name,
    private: priv,
  });
}
