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
}
