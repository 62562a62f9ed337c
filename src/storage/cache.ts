/**
 * A read-through cache of small storage facts (link contents, blob sizes, folder listings) in
 * front of a driver. Requests for tags, manifests and blob HEADs otherwise cost several file
 * system calls or S3 requests each, for facts that rarely change.
 *
 * Consistency: every write of this process goes through the same wrapper and drops what it
 * makes stale (the path, its subtree, and the listings of its ancestors), so one process
 * always reads its own writes. With `peers` (the other workers of one machine, src/cluster)
 * a write resolves only once every other worker has dropped the same paths, so they read it
 * too. Writes by a process outside (another machine sharing the storage) are seen once a
 * cached entry is older than `ttlMs`. A read that was in flight while any path was dropped is
 * not cached (it may hold what the write replaced). Only successful reads are cached: absence is always
 * asked again, so a blob or tag pushed elsewhere is visible at once.
 * Which paths may be cached is the caller's policy (the registry knows its layout).
 */
import type { Readable } from 'node:stream';
import type { FileInfo, FileWriter, PutOptions, StorageDriver } from './driver.js';

/** Which reads may be cached, by path. */
export interface CachePolicy {
  content(path: string): boolean;
  stat(path: string): boolean;
  list(path: string): boolean;
}

/** The other processes whose caches a write must clear before it is acknowledged. */
export interface CachePeers {
  /** Make every other process drop `paths`; resolves once all have. */
  invalidate(paths: readonly string[]): Promise<void>;
  /** Register what to do when another process changed `paths`. */
  onInvalidate(drop: (paths: readonly string[]) => void): void;
}

/** Options of the cache. */
export interface CacheOptions {
  /** How long an entry is trusted; 0 turns the cache off. */
  ttlMs: number;
  /** Entries kept at most; past it, the whole cache is dropped and refilled on demand. */
  maxEntries: number;
  policy: CachePolicy;
  /** The other workers (src/cluster), told of every write; none when alone. */
  peers?: CachePeers;
}

interface Entry<T> {
  value: T;
  expires: number;
}

/** What each kind of cached read holds. */
interface Values {
  content: Buffer;
  stat: FileInfo;
  list: readonly string[];
}
type Kind = keyof Values;

/** One folder level of the path trie; a subtree is dropped by dropping its node. */
type Node = { children?: Map<string, Node> } & { [K in Kind]?: Entry<Values[K]> };

/** The caching wrapper; see the file comment for what it caches and when it forgets. */
export class CachingDriver implements StorageDriver {
  readonly name: string;
  #root: Node = {};
  #entries = 0;
  #generation = 0;
  /** Lookups answered from memory (hits) or passed to the driver (misses), by kind, for metrics. */
  readonly lookups: Record<Kind, { hits: number; misses: number }> = {
    content: { hits: 0, misses: 0 },
    stat: { hits: 0, misses: 0 },
    list: { hits: 0, misses: 0 },
  };

  constructor(
    private readonly inner: StorageDriver,
    private readonly options: CacheOptions,
  ) {
    this.name = inner.name;
    options.peers?.onInvalidate((paths) => {
      for (const path of paths) this.#invalidate(path);
    });
  }

  async getContent(path: string): Promise<Buffer> {
    if (!this.#on() || !this.options.policy.content(path)) return this.inner.getContent(path);
    const hit = this.#get(path, 'content');
    if (hit) return hit;
    const generation = this.#generation;
    const value = await this.inner.getContent(path);
    if (generation === this.#generation) this.#set(path, 'content', value);
    return value;
  }

  async stat(path: string): Promise<FileInfo> {
    if (!this.#on() || !this.options.policy.stat(path)) return this.inner.stat(path);
    const hit = this.#get(path, 'stat');
    if (hit) return hit;
    const generation = this.#generation;
    const value = await this.inner.stat(path);
    if (generation === this.#generation) this.#set(path, 'stat', value);
    return value;
  }

  /** A cached listing is the same frozen array until it is invalidated, so callers can memoize on it. */
  async list(path: string): Promise<readonly string[]> {
    if (!this.#on() || !this.options.policy.list(path)) return this.inner.list(path);
    const hit = this.#get(path, 'list');
    if (hit) return hit;
    const generation = this.#generation;
    const value = Object.freeze([...(await this.inner.list(path))]);
    if (generation === this.#generation) this.#set(path, 'list', value);
    return value;
  }

  async putContent(path: string, content: Buffer | string, options?: PutOptions): Promise<void> {
    try {
      await this.inner.putContent(path, content, options);
    } finally {
      await this.#changed(path);
    }
  }

  reader(path: string, offset?: number, end?: number): Promise<Readable> {
    return this.inner.reader(path, offset, end);
  }

  async writer(path: string, append: boolean): Promise<FileWriter> {
    const w = await this.inner.writer(path, append);
    // The file changes as bytes land: forget it now and again once it is final.
    this.#invalidate(path);
    const commit = w.commit.bind(w);
    const cancel = w.cancel.bind(w);
    const rollback = w.rollback.bind(w);
    w.commit = () => commit().finally(() => this.#changed(path));
    w.cancel = () => cancel().finally(() => this.#changed(path));
    w.rollback = () => rollback().finally(() => this.#changed(path));
    return w;
  }

  async move(source: string, dest: string): Promise<void> {
    try {
      await this.inner.move(source, dest);
    } finally {
      await this.#changed(source, dest);
    }
  }

  async delete(path: string): Promise<void> {
    try {
      await this.inner.delete(path);
    } finally {
      await this.#changed(path);
    }
  }

  redirectURL(path: string, method: string): Promise<string | null> {
    return this.inner.redirectURL(path, method);
  }

  walk(path: string, fn: (info: FileInfo) => Promise<void | 'skip'> | void | 'skip'): Promise<void> {
    return this.inner.walk(path, fn);
  }

  /**
   * Changes whenever this process writes anything: a result computed from many cached reads
   * (the catalog) stays valid while it is unchanged and younger than the TTL.
   */
  get generation(): number {
    return this.#generation;
  }

  /** The driver behind the cache, for reads that must not be answered from memory (GC re-checks). */
  get uncached(): StorageDriver {
    return this.inner;
  }

  /** How long cached facts are trusted, in ms (0: not at all). */
  get ttlMs(): number {
    return this.options.ttlMs;
  }

  #on(): boolean {
    return this.options.ttlMs > 0;
  }

  #get<K extends Kind>(path: string, kind: K): Values[K] | undefined {
    const entry = this.#node(path, false)?.[kind] as Entry<Values[K]> | undefined;
    const hit = entry !== undefined && entry.expires > Date.now() ? entry.value : undefined;
    if (hit === undefined) this.lookups[kind].misses++;
    else this.lookups[kind].hits++;
    return hit;
  }

  #set<K extends Kind>(path: string, kind: K, value: Values[K]): void {
    if (this.#entries >= this.options.maxEntries) {
      this.#root = {};
      this.#entries = 0;
    }
    const node = this.#node(path, true)!;
    if (node[kind] === undefined) this.#entries++;
    (node as { [P in K]?: Entry<Values[K]> })[kind] = { value, expires: Date.now() + this.options.ttlMs };
  }

  /** A write finished (or failed half-way): drop its paths here, then in every other worker. */
  async #changed(...paths: string[]): Promise<void> {
    for (const path of paths) this.#invalidate(path);
    await this.options.peers?.invalidate(paths);
  }

  /** Drop the path's subtree and the listings of its ancestors (a child may have come or gone). */
  #invalidate(path: string): void {
    this.#generation++;
    const segments = path.split('/').filter(Boolean);
    let node: Node | undefined = this.#root;
    node.list = undefined;
    for (let i = 0; i < segments.length - 1 && node; i++) {
      node = node.children?.get(segments[i]!);
      if (node) node.list = undefined;
    }
    // Entry counts are not decremented here: the count is an upper bound that only decides
    // when to start over, so it may run ahead of the truth.
    node?.children?.delete(segments[segments.length - 1] ?? '');
  }

  #node(path: string, create: boolean): Node | undefined {
    let node = this.#root;
    for (const seg of path.split('/')) {
      if (seg === '') continue;
      let next = node.children?.get(seg);
      if (next === undefined) {
        if (!create) return undefined;
        next = {};
        (node.children ??= new Map()).set(seg, next);
      }
      node = next;
    }
    return node;
  }
}
