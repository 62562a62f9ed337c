/**
 * Expiry and size cap of cached content. A cached tag not pulled for `proxy.cache.ttl` is
 * dropped; manifests and blobs of mirrored repositories that no remaining cached tag needs
 * are unlinked once not pulled for the TTL, or earlier, least recently pulled first, while
 * the cache is over `proxy.cache.maxsize` (and only then the least recently pulled tags).
 * Blob data goes only when no repository at all links it any more. Pull times come from
 * memory, else from the link files' modification times (after a restart).
 */
import type { Job } from '../ops/scheduler.js';
import type { Logger } from '../log.js';
import { deleteIfExists, readLink } from '../registry/links.js';
import type { ManifestService } from '../registry/manifests.js';
import * as paths from '../registry/paths.js';
import { parseDigest } from '../registry/reference.js';
import { PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import type { ProxyService } from './proxy-service.js';

/** One link of a mirrored repository: a manifest revision, a layer, or a tag. */
interface Item {
  repo: string;
  kind: 'layer' | 'manifest' | 'tag';
  /** Digest, or tag name for a tag. */
  id: string;
  /** Last pull, ms. */
  last: number;
}

/** What a sweep did. */
export interface SweepResult {
  tags: number;
  links: number;
  blobs: number;
  bytesFreed: number;
  cachedBytes: number;
}

const LINK_RE = new RegExp(`^${paths.REPOSITORIES}/(.+)/_(layers|manifests/revisions)/(sha256|sha512)/([a-f0-9]+)/link$`);
const TAG_RE = new RegExp(`^${paths.REPOSITORIES}/(.+)/_manifests/tags/([^/]+)/current/link$`);

/** Sweeps the cache on a timer. */
export class CacheEvictor {
  constructor(
    private readonly driver: StorageDriver,
    private readonly manifests: ManifestService,
    private readonly proxy: ProxyService,
    private readonly log: Logger,
  ) {}

  /** The periodic job (every `proxy.cache.interval`) that the scheduler runs. */
  job(): Job {
    return { name: 'proxy-cache-eviction', every: this.proxy.config.proxy.cache.interval, run: () => this.sweep() };
  }

  /** Expire, then enforce the size cap; logs and returns what was removed. */
  async sweep(now = Date.now()): Promise<SweepResult> {
    const { ttl, maxsize } = this.proxy.config.proxy.cache;
    const result: SweepResult = { tags: 0, links: 0, blobs: 0, bytesFreed: 0, cachedBytes: 0 };
    const { items, linked } = await this.scan();
    const expired = (i: Item) => now - i.last > ttl;
    let tags = items.filter((i) => i.kind === 'tag');
    for (const t of tags.filter(expired)) await this.drop(t, result);
    tags = tags.filter((t) => !expired(t));
    let content = items.filter((i) => i.kind !== 'tag');
    let needed = await this.needed(tags);
    const unneeded = (i: Item) => !needed.has(`${i.repo}@${i.id}`);
    for (const i of content.filter((i) => unneeded(i) && expired(i))) await this.drop(i, result);
    content = content.filter((i) => !(unneeded(i) && expired(i)));
    if (maxsize > 0) {
      const sizes = new Map<string, number>();
      for (const i of content) sizes.set(i.id, (await this.size(i.id)) ?? 0);
      const total = () => [...new Set(content.map((i) => i.id))].reduce((n, id) => n + (sizes.get(id) ?? 0), 0);
      tags.sort((a, b) => a.last - b.last);
      while (total() > maxsize) {
        const victim = content.filter(unneeded).sort((a, b) => a.last - b.last)[0];
        if (victim) {
          await this.drop(victim, result);
          content = content.filter((i) => i !== victim);
        } else if (tags.length > 0) {
          await this.drop(tags.shift()!, result);
          needed = await this.needed(tags);
        } else break;
      }
      result.cachedBytes = total();
    }
    await this.collectBlobs(items, content, linked, result);
    if (result.tags + result.links + result.blobs > 0) this.log.info('proxy cache sweep', { ...result });
    // Under workers eviction runs in one of them: its line reports the counters of all.
    this.log.info('proxy stats', { upstreams: await this.proxy.totals() });
    return result;
  }

  /** Every link of mirrored repositories, and every digest linked anywhere (by repository). */
  private async scan(): Promise<{ items: Item[]; linked: Map<string, Set<string>> }> {
    const items: Item[] = [];
    const linked = new Map<string, Set<string>>();
    await this.driver
      .walk(paths.REPOSITORIES, async (info) => {
        if (info.isDir) return /\/_(uploads|referrers)$/.test(info.path) ? 'skip' : undefined;
        const link = LINK_RE.exec(info.path);
        const tag = link ? null : TAG_RE.exec(info.path);
        const repo = link?.[1] ?? tag?.[1];
        if (!repo) return;
        const id = link ? `${link[3]}:${link[4]}` : tag![2]!;
        if (link) linked.set(id, (linked.get(id) ?? new Set()).add(repo));
        if (!this.proxy.route(repo)) return;
        const kind = tag ? 'tag' : link![2] === 'layers' ? 'layer' : 'manifest';
        const key = tag ? `${repo}:${id}` : `${repo}@${id}`;
        items.push({ repo, kind, id, last: this.proxy.pulled.get(key) ?? info.modTime.getTime() });
      })
      .catch((err: unknown) => {
        // No repositories yet is an empty cache; anything else is a real failure.
        if (!(err instanceof PathNotFoundError)) throw err;
      });
    return { items, linked };
  }

  /** "repo@digest" of everything the given tags need: the manifest, index children, their blobs. */
  private async needed(tags: Item[]): Promise<Set<string>> {
    const out = new Set<string>();
    const visit = async (repo: string, digest: string, depth: number): Promise<void> => {
      out.add(`${repo}@${digest}`);
      const m = await this.manifests.load(parseDigest(digest)).catch(() => null);
      if (!m || depth > 2) return;
      for (const b of m.parsed.blobs) out.add(`${repo}@${b.digest.value}`);
      for (const c of m.parsed.manifests) await visit(repo, c.digest.value, depth + 1);
    };
    for (const t of tags) {
      const digest = await readLink(this.driver, paths.tagCurrentLink(t.repo, t.id));
      if (digest) await visit(t.repo, digest.value, 0);
    }
    return out;
  }

  private async drop(i: Item, result: SweepResult): Promise<void> {
    if (i.kind === 'tag') {
      await deleteIfExists(this.driver, paths.tagDir(i.repo, i.id));
      this.proxy.pulled.delete(`${i.repo}:${i.id}`);
      this.proxy.checked.delete(`${i.repo}:${i.id}`);
      result.tags++;
      return;
    }
    const d = parseDigest(i.id);
    const link = i.kind === 'layer' ? paths.layerLink(i.repo, d) : paths.revisionLink(i.repo, d);
    await deleteIfExists(this.driver, link.replace(/\/link$/, ''));
    this.proxy.pulled.delete(`${i.repo}@${i.id}`);
    result.links++;
  }

  /** Delete the data of blobs whose last link was just removed. */
  private async collectBlobs(items: Item[], kept: Item[], linked: Map<string, Set<string>>, result: SweepResult): Promise<void> {
    const keptIds = new Set(kept.map((i) => `${i.repo}@${i.id}`));
    const removed = items.filter((i) => i.kind !== 'tag' && !keptIds.has(`${i.repo}@${i.id}`));
    for (const i of removed) linked.get(i.id)?.delete(i.repo);
    for (const id of new Set(removed.map((i) => i.id))) {
      if ((linked.get(id)?.size ?? 0) > 0) continue;
      const size = await this.size(id);
      if (await deleteIfExists(this.driver, paths.blobDir(parseDigest(id)))) {
        result.blobs++;
        result.bytesFreed += size ?? 0;
      }
    }
  }

  private async size(id: string): Promise<number | null> {
    try {
      return (await this.driver.stat(paths.blobData(parseDigest(id)))).size;
    } catch {
      return null;
    }
  }
}
