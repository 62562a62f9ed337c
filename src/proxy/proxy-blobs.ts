/**
 * The caching decorator of the blob service: local first; on a miss, one upstream download
 * per digest (single flight) that streams to the client that asked while it fills the cache;
 * other clients asking meanwhile wait for it and then read the stored blob.
 */
import type { Readable } from 'node:stream';
import type { EventBus } from '../events/bus.js';
import type { Origin } from '../events/events.js';
import { BlobStore, type BlobInfo } from '../registry/blobs.js';
import { BlobUnknownError } from '../registry/errors.js';
import type { Locks } from '../registry/keyed-lock.js';
import type { Digest } from '../registry/reference.js';
import type { StorageDriver } from '../storage/driver.js';
import { BlobFlight } from './blob-flight.js';
import { currentContext } from './context.js';
import { UpstreamDeniedError, UpstreamUnavailableError } from './errors.js';
import { denyWrite, type ProxyService } from './proxy-service.js';
import type { Route } from './routing.js';

/** BlobStore with a pull-through cache for mirrored repositories. */
export class ProxyBlobStore extends BlobStore {
  /** Downloads in progress (or starting), by digest. */
  private readonly flights = new Map<string, Promise<BlobFlight>>();

  constructor(
    private readonly store: StorageDriver,
    events: EventBus,
    private readonly proxy: ProxyService,
  ) {
    super(store, events);
  }

  /** Local stat, else the upstream's: a GET starts (or joins) the download, a HEAD asks with HEAD. */
  override async stat(name: string, digest: Digest): Promise<BlobInfo> {
    const route = this.proxy.route(name);
    if (!route) return super.stat(name, digest);
    const ctx = currentContext();
    if (ctx) ctx.blobRepo = name;
    const key = `${name}@${digest.value}`;
    try {
      const info = await super.stat(name, digest);
      this.proxy.hit(route, key);
      return info;
    } catch (err) {
      if (!(err instanceof BlobUnknownError)) throw err;
    }
    const global = await this.statGlobal(digest);
    // Checked after the last await before startFlight(), so concurrent misses join one download.
    const pending = this.flights.get(digest.value);
    if (pending) return { digest, size: (await pending).size };
    if (global !== null || ctx?.method !== 'GET') {
      const size = await this.headUpstream(route, digest);
      // Stored already for another repository: the upstream confirmed this one has it too.
      if (global !== null) await this.link(name, digest);
      return { digest, size };
    }
    const locks = this.proxy.sharedLocks;
    if (!locks) return { digest, size: (await this.startFlight(route, name, digest)).size };
    return this.startShared(locks, route, name, digest);
  }

  /**
   * Under http.workers: the download happens in the worker holding the blob's lock across
   * workers, held until the blob is stored; a worker that gets the lock after it finds the
   * blob stored and serves it from there.
   */
  private startShared(locks: Locks, route: Route, name: string, digest: Digest): Promise<BlobInfo> {
    return new Promise<BlobInfo>((resolve, reject) => {
      void locks
        .run(`proxy-blob:${digest.value}`, async () => {
          try {
            const pending = this.flights.get(digest.value);
            const stored = pending ? null : await this.statGlobal(digest);
            if (pending || stored !== null) {
              if (stored !== null) await this.link(name, digest);
              return resolve({ digest, size: stored ?? (await pending!).size });
            }
            const flight = await this.startFlight(route, name, digest);
            resolve({ digest, size: flight.size });
            // Held until stored or failed: other workers then read storage (or try again).
            await flight.done.catch(() => undefined);
          } catch (err) {
            reject(err);
          }
        })
        .catch(reject);
    });
  }

  /** Stored bytes, else the live download's stream, else the stored bytes once it is done. */
  override async open(digest: Digest, start?: number, end?: number): Promise<Readable> {
    if ((await this.statGlobal(digest)) !== null) return super.open(digest, start, end);
    const pending = this.flights.get(digest.value);
    if (!pending) throw new BlobUnknownError('blob unknown to registry', { digest: digest.value });
    const flight = await pending;
    const whole = (start ?? 0) === 0 && (end === undefined || end === flight.size - 1);
    const live = whole ? flight.claim() : null;
    if (live) return live;
    try {
      await flight.done;
    } catch (err) {
      throw new UpstreamUnavailableError(`upstream download failed: ${(err as Error).message}`);
    }
    const name = currentContext()?.blobRepo;
    if (name) await this.link(name, digest);
    return super.open(digest, start, end);
  }

  /** No backend redirect for a blob still being downloaded (it is not in storage yet). */
  override async redirectURL(digest: Digest, method: string): Promise<string | null> {
    if ((await this.statGlobal(digest)) === null) return null;
    return super.redirectURL(digest, method);
  }

  /** Mounting into a mirrored repository is a write: refused. */
  override mount(name: string, from: string, digest: Digest, origin?: Origin): Promise<BlobInfo | null> {
    denyWrite(this.proxy, name);
    return super.mount(name, from, digest, origin);
  }

  /** So is an anonymous mount into one. */
  override mountAny(name: string, digest: Digest, candidates: () => Promise<readonly string[]>, origin?: Origin): Promise<BlobInfo | null> {
    denyWrite(this.proxy, name);
    return super.mountAny(name, digest, candidates, origin);
  }

  /** Deleting from a mirrored repository is refused too. */
  override unlink(name: string, digest: Digest): Promise<void> {
    denyWrite(this.proxy, name);
    return super.unlink(name, digest);
  }

  private async headUpstream(route: Route, digest: Digest): Promise<number> {
    const res = await this.proxy.client(route).request('HEAD', route.remote, `blobs/${digest.value}`, { via: this.proxy.incomingVia() });
    await res.body?.cancel();
    checkStatus(res, digest);
    const size = Number(res.headers.get('content-length') ?? 'NaN');
    if (!Number.isSafeInteger(size)) throw new UpstreamUnavailableError('upstream answered a blob HEAD without Content-Length');
    return size;
  }

  private startFlight(route: Route, name: string, digest: Digest): Promise<BlobFlight> {
    const stats = this.proxy.stats.of(route.upstream.name);
    const starting = (async () => {
      const res = await this.proxy.client(route).request('GET', route.remote, `blobs/${digest.value}`, { via: this.proxy.incomingVia() });
      const size = Number(res.headers.get('content-length') ?? 'NaN');
      if (res.status !== 200 || !Number.isSafeInteger(size)) await res.body?.cancel();
      checkStatus(res, digest);
      if (!Number.isSafeInteger(size)) throw new UpstreamUnavailableError('upstream sent a blob without Content-Length');
      this.proxy.miss(route, `${name}@${digest.value}`, `blob ${digest.value}`);
      const idleMs = this.proxy.config.proxy.upstream.timeout;
      const flight = new BlobFlight(this.store, this, name, digest, res, size, (n) => (stats.upstreamBytes += n), idleMs);
      const forget = (): void => void this.flights.delete(digest.value);
      flight.done.then(forget, (err: unknown) => {
        forget();
        stats.errors++;
        this.proxy.log.warn('proxy blob download failed', { digest: digest.value, error: String(err) });
      });
      return flight;
    })();
    this.flights.set(digest.value, starting);
    starting.catch(() => this.flights.delete(digest.value));
    return starting;
  }
}

/** Map an upstream blob answer onto domain errors (404 → unknown). */
function checkStatus(res: Response, digest: Digest): void {
  if (res.status === 200) return;
  if (res.status === 404) throw new BlobUnknownError('blob unknown to upstream', { digest: digest.value });
  if (res.status === 401 || res.status === 403) throw new UpstreamDeniedError(`upstream refused access (${res.status})`);
  throw new UpstreamUnavailableError(`upstream answered ${res.status}`);
}
