/**
 * The caching decorator of the manifest service. Manifests by digest are immutable and kept;
 * a cached tag is served for its upstream's TTL, then its digest is rechecked with a HEAD
 * (which Docker Hub does not count as a pull) and only a changed digest is fetched, by
 * digest. Indexes are cached whether asked for by GET or HEAD; their children are cached by
 * digest when asked for. When the upstream is down, slow or rate-limiting, a cached tag is
 * served stale with a `Warning`.
 */
import type { EventBus } from '../events/bus.js';
import type { Origin } from '../events/events.js';
import { ManifestInvalidError, ManifestUnknownError } from '../registry/errors.js';
import { digestOf } from '../registry/hashing.js';
import { writeLink } from '../registry/links.js';
import { ManifestService, type ManifestOptions, type PutOptions, type PutResult, type StoredManifest } from '../registry/manifests.js';
import { parseManifest } from '../registry/manifest-parse.js';
import { MANIFEST_TYPES } from '../registry/media-types.js';
import * as paths from '../registry/paths.js';
import { parseDigest, type Digest, type Reference } from '../registry/reference.js';
import type { BlobStore } from '../registry/blobs.js';
import type { TagService } from '../registry/tags.js';
import type { StorageDriver } from '../storage/driver.js';
import { UpstreamDeniedError, UpstreamUnavailableError } from './errors.js';
import { denyWrite, type ProxyService } from './proxy-service.js';
import type { Route } from './routing.js';

/** Every manifest type, so the upstream answers with what it stores (an index stays an index). */
const ACCEPT = [...MANIFEST_TYPES].join(', ');

/** ManifestService with a pull-through cache for mirrored repositories. */
export class ProxyManifestService extends ManifestService {
  /** Fetches in progress by "repo@digest", so concurrent misses make one upstream GET. */
  private readonly inflight = new Map<string, Promise<StoredManifest>>();
  /** Tag checks in progress by "repo:tag". */
  private readonly checks = new Map<string, Promise<{ manifest: StoredManifest; outage?: unknown }>>();

  constructor(
    private readonly store: StorageDriver,
    private readonly blobStore: BlobStore,
    private readonly tagService: TagService,
    events: EventBus,
    private readonly proxy: ProxyService,
    options: ManifestOptions = {},
  ) {
    super(store, blobStore, tagService, events, options);
  }

  /** Local first; upstream on a miss or an expired tag; stale on an upstream outage. */
  override async get(name: string, ref: Reference): Promise<StoredManifest> {
    const route = this.proxy.route(name);
    if (!route) return super.get(name, ref);
    const local = await this.stored(name, ref);
    if (ref.kind === 'digest') {
      if (local) this.proxy.hit(route, `${name}@${ref.digest.value}`);
      return local ?? this.fetch(route, name, ref.digest);
    }
    const key = `${name}:${ref.tag}`;
    if (local && Date.now() - (this.proxy.checked.get(key) ?? 0) < route.upstream.ttl) {
      this.proxy.hit(route, key);
      return local;
    }
    // Concurrent requests for the same expired or unknown tag share one upstream check.
    let pending = this.checks.get(key);
    if (!pending) {
      pending = this.refreshTag(route, name, ref.tag, local).finally(() => this.checks.delete(key));
      this.checks.set(key, pending);
    }
    const { manifest, outage } = await pending;
    // Counted and flagged per request, so each response that shares the check gets its Warning.
    if (outage) this.proxy.stale(route, key, outage);
    return manifest;
  }

  /** The manifest as stored here; null when this registry does not hold it. */
  private stored(name: string, ref: Reference): Promise<StoredManifest | null> {
    return super.get(name, ref).catch((err: unknown) => {
      if (err instanceof ManifestUnknownError) return null;
      throw err;
    });
  }

  /** Recheck a tag upstream (HEAD), fetch a changed digest, or fall back to the stale copy. */
  private async refreshTag(
    route: Route,
    name: string,
    tag: string,
    local: StoredManifest | null,
  ): Promise<{ manifest: StoredManifest; outage?: unknown }> {
    const key = `${name}:${tag}`;
    try {
      // With a cached copy at hand, fail fast rather than retry: stale beats slow.
      const digest = await this.headTag(route, tag, local ? 0 : undefined);
      this.proxy.checked.set(key, Date.now());
      if (local && local.digest.value === digest.value) {
        this.proxy.hit(route, key);
        return { manifest: local };
      }
      const m = (await super.get(name, { kind: 'digest', digest }).catch(() => null)) ?? (await this.fetch(route, name, digest));
      await this.tagService.tag(name, tag, m.digest);
      this.proxy.pulled.set(key, Date.now());
      return { manifest: m };
    } catch (err) {
      if (local && this.proxy.isOutage(err)) return { manifest: local, outage: err };
      throw err;
    }
  }

  /** Pushing into a mirrored repository is refused. */
  override put(name: string, ref: Reference, body: Buffer, options?: PutOptions): Promise<PutResult> {
    denyWrite(this.proxy, name);
    return super.put(name, ref, body, options);
  }

  /** Deleting from a mirrored repository is refused. */
  override delete(name: string, ref: Reference, origin?: Origin): Promise<void> {
    denyWrite(this.proxy, name);
    return super.delete(name, ref, origin);
  }

  /** The digest a tag points to upstream (HEAD; a GET only if the upstream omits the digest). */
  private async headTag(route: Route, tag: string, retries?: number): Promise<Digest> {
    const client = this.proxy.client(route);
    const via = this.proxy.incomingVia();
    const res = await client.request('HEAD', route.remote, `manifests/${tag}`, { accept: ACCEPT, via, retries });
    await res.body?.cancel();
    check(res, { tag });
    const header = res.headers.get('docker-content-digest');
    if (header) return parseDigest(header);
    const full = await client.request('GET', route.remote, `manifests/${tag}`, { accept: ACCEPT, via, retries });
    check(full, { tag });
    return digestOf(Buffer.from(await full.arrayBuffer()));
  }

  /** GET a manifest by digest from the upstream, verify it, and store it (single flight). */
  private fetch(route: Route, name: string, digest: Digest): Promise<StoredManifest> {
    const key = `${name}@${digest.value}`;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const locks = this.proxy.sharedLocks;
    // Under http.workers, one worker fetches; a worker that gets the lock after it finds the
    // manifest stored (as for blobs, proxy-blobs.ts).
    const fetching = locks
      ? locks.run(
          `proxy-manifest:${key}`,
          async () => (await this.stored(name, { kind: 'digest', digest })) ?? this.fetchOnce(route, name, digest),
        )
      : this.fetchOnce(route, name, digest);
    const p = fetching.finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async fetchOnce(route: Route, name: string, digest: Digest): Promise<StoredManifest> {
    const res = await this.proxy.client(route).request('GET', route.remote, `manifests/${digest.value}`, {
      accept: ACCEPT,
      via: this.proxy.incomingVia(),
    });
    if (res.status !== 200) await res.body?.cancel();
    check(res, { digest: digest.value });
    const max = this.proxy.config.validation.manifests.maxsize;
    if (Number(res.headers.get('content-length') ?? 0) > max) {
      await res.body?.cancel();
      throw new ManifestInvalidError(`upstream manifest exceeds ${max} bytes`);
    }
    const body = Buffer.from(await res.arrayBuffer());
    this.proxy.stats.of(route.upstream.name).upstreamBytes += body.length;
    const actual = digestOf(body, digest.algorithm);
    if (actual.value !== digest.value) {
      throw new UpstreamUnavailableError('upstream manifest does not match its digest', { expected: digest.value, actual: actual.value });
    }
    const parsed = await parseManifest(body, res.headers.get('content-type') ?? undefined);
    // Verified by digest: stored like a pushed manifest, without requiring its blobs (they come on demand).
    if ((await this.blobStore.statGlobal(digest)) === null) await this.store.putContent(paths.blobData(digest), body);
    await writeLink(this.store, paths.revisionLink(name, digest), digest);
    this.proxy.miss(route, `${name}@${digest.value}`, `manifest ${digest.value} (${parsed.mediaType})`);
    return this.load(digest);
  }
}

/** Map an upstream manifest answer onto domain errors. */
function check(res: Response, detail: Record<string, string>): void {
  if (res.status === 200) return;
  if (res.status === 404) throw new ManifestUnknownError('manifest unknown to upstream', detail);
  if (res.status === 401 || res.status === 403) throw new UpstreamDeniedError(`upstream refused access (${res.status})`, detail);
  throw new UpstreamUnavailableError(`upstream answered ${res.status}`, detail);
}
