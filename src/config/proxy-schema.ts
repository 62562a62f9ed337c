/**
 * The `proxy` section: the pull-through cache. Each upstream serves one repository prefix
 * ("" is the root namespace, i.e. a transparent Docker Hub mirror); `private` lists the
 * prefixes that stay pushable beside the mirrored ones.
 */
import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration as Distribution writes them ("300s", "5m", "168h") or a number of seconds; in ms. */
export const duration = z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v * 1000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(v.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30s, 5m, 168h or a number of seconds' });
    return z.NEVER;
  }
  return Number(m[1]) * UNITS[m[2]!]!;
});

const PREFIX_RE = /^([a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*)?$/;
const prefix = z.string().regex(PREFIX_RE, 'must be a repository name prefix (or "" for the root namespace)');

const upstream = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower case letters, digits, "-" and "_"'),
    url: z
      .string()
      .url()
      .transform((u) => u.replace(/\/+$/, '')),
    username: z.string().optional(),
    password: z.string().optional(),
    /** How long a cached tag is served before its digest is rechecked with a HEAD. */
    ttl: duration.default('5m'),
    prefix: prefix.default(''),
    /** Docker Hub's rule: a single-component name means library/<name>. Default: on for *.docker.io. */
    library: z.boolean().optional(),
  })
  .strict()
  .transform((u) => ({ ...u, library: u.library ?? /(^|\.)docker\.io$/.test(new URL(u.url).hostname) }));

/** One configured upstream registry. */
export type UpstreamConfig = z.output<typeof upstream>;

/** Docker Hub as a transparent mirror of the root namespace. */
const DOCKER_HUB = { name: 'dockerhub', url: 'https://registry-1.docker.io', prefix: '' };

/** The proxy section of the configuration. */
export const proxySchema = z
  .object({
    enabled: z.boolean().default(false),
    upstreams: z.array(upstream).min(1).default([DOCKER_HUB]),
    /** Repository prefixes that are never mirrored and accept pushes. */
    private: z.array(prefix.refine((p) => p !== '', 'a private prefix cannot be empty')).default([]),
    cache: z
      .object({
        /** Cached content not pulled for this long is removed (Distribution's proxy default: 7 days). */
        ttl: duration.default('168h'),
        /** Size cap of cached content in bytes; 0 means none. Least recently pulled goes first. */
        maxsize: z.number().int().nonnegative().default(0),
        /** How often expiry and the size cap are enforced. */
        interval: duration.default('10m'),
      })
      .strict()
      .default({}),
    upstream: z
      .object({
        /** Per-request timeout until response headers arrive. */
        timeout: duration.default('15s'),
        /** Retries after a network error, 5xx or 429 (with backoff). */
        retries: z.number().int().nonnegative().default(2),
        /** Consecutive failures that open the circuit breaker of an upstream. */
        breakerthreshold: z.number().int().positive().default(5),
        /** How long an open breaker refuses requests before one trial request. */
        breakercooldown: duration.default('30s'),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({})
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    for (const u of p.upstreams) {
      if (seen.has(u.prefix)) ctx.addIssue({ code: 'custom', message: `two upstreams serve the prefix "${u.prefix}"` });
      seen.add(u.prefix);
    }
    const names = new Set(p.upstreams.map((u) => u.name));
    if (names.size !== p.upstreams.length) ctx.addIssue({ code: 'custom', message: 'upstream names must be unique' });
  });

/** The validated proxy section. */
export type ProxyConfig = z.output<typeof proxySchema>;
