/** Counters per upstream (hits, misses, bytes, errors, rate limits), for logs and the stats endpoint. */

/** Docker Hub's last seen rate-limit headers. */
export interface RateLimit {
  limit: string | null;
  remaining: string | null;
  source: string | null;
  at: string;
}

/** What is counted for one upstream. */
export interface UpstreamStats {
  hits: number;
  misses: number;
  /** Content served from cache because the upstream was down, slow or rate-limiting. */
  stale: number;
  upstreamRequests: number;
  upstreamBytes: number;
  errors: number;
  rateLimit: RateLimit | null;
}

/** The counters of one upstream alone (what adds up across workers). */
export type UpstreamCounts = Omit<UpstreamStats, 'rateLimit'>;

/** The names of the counters, for sums. */
export const COUNT_KEYS = [
  'hits',
  'misses',
  'stale',
  'upstreamRequests',
  'upstreamBytes',
  'errors',
] as const satisfies readonly (keyof UpstreamCounts)[];

/** The counters of every upstream, by upstream name. */
export class ProxyStats {
  private readonly byUpstream = new Map<string, UpstreamStats>();

  /** The (live) counters of an upstream. */
  of(upstream: string): UpstreamStats {
    let s = this.byUpstream.get(upstream);
    if (!s) {
      s = { hits: 0, misses: 0, stale: 0, upstreamRequests: 0, upstreamBytes: 0, errors: 0, rateLimit: null };
      this.byUpstream.set(upstream, s);
    }
    return s;
  }

  /** A copy of every upstream's counters (without the rate limit), for the other workers. */
  counts(): Record<string, UpstreamCounts> {
    return Object.fromEntries(
      [...this.byUpstream].map(([name, s]) => [name, Object.fromEntries(COUNT_KEYS.map((k) => [k, s[k]])) as UpstreamCounts]),
    );
  }
}
