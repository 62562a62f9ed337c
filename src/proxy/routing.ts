/**
 * Which repositories are mirrored, and from where. Rules, in order:
 * 1. a name under a `proxy.private` prefix is local (pushable, never mirrored);
 * 2. a name under an upstream's prefix is that upstream's (longest prefix wins), with the
 *    prefix removed: `ghcr.io/owner/app` → `owner/app` at the `ghcr.io` upstream;
 * 3. otherwise the root upstream (prefix ""), if any, mirrors it: the transparent
 *    `registry-mirrors` case; on Docker Hub a single-component name gets `library/`.
 */
import type { ProxyConfig, UpstreamConfig } from '../config/proxy-schema.js';

/** Where a mirrored repository comes from. */
export interface Route {
  upstream: UpstreamConfig;
  /** The repository name at the upstream. */
  remote: string;
}

const under = (name: string, prefix: string): boolean => name === prefix || name.startsWith(`${prefix}/`);
const remoteOf = (upstream: UpstreamConfig, remote: string): Route => ({
  upstream,
  remote: upstream.library && !remote.includes('/') ? `library/${remote}` : remote,
});

/** Resolves repository names and containerd's `?ns=` against the configured upstreams. */
export class Router {
  private readonly byPrefix: UpstreamConfig[];
  private readonly root: UpstreamConfig | undefined;

  constructor(private readonly config: ProxyConfig) {
    this.byPrefix = config.upstreams.filter((u) => u.prefix !== '').sort((a, b) => b.prefix.length - a.prefix.length);
    this.root = config.upstreams.find((u) => u.prefix === '');
  }

  /** The route of a mirrored repository, or null for a local (private) one. */
  route(name: string): Route | null {
    if (this.config.private.some((p) => under(name, p))) return null;
    const up = this.byPrefix.find((u) => under(name, u.prefix));
    if (up) return name === up.prefix ? null : remoteOf(up, name.slice(up.prefix.length + 1));
    return this.root ? remoteOf(this.root, name) : null;
  }

  /**
   * The local name prefix for containerd's `?ns=<registry host>`: the upstream whose prefix,
   * name or URL host is `ns` (docker.io also names a Docker Hub root upstream). Null when
   * no upstream serves that namespace.
   */
  namespace(ns: string): { upstream: UpstreamConfig; prefix: string } | null {
    const up = this.config.upstreams.find(
      (u) => u.prefix === ns || u.name === ns || new URL(u.url).host === ns || (ns === 'docker.io' && u.library && u.prefix === ''),
    );
    return up ? { upstream: up, prefix: up.prefix } : null;
  }

  /** Prefixes that accept pushes, for error messages. */
  get privatePrefixes(): readonly string[] {
    return this.config.private;
  }
}
