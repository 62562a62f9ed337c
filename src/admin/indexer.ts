/**
 * Keeps the artifact index in step with storage by listening on the event bus (events come
 * after storage has committed). Work runs in one queue, in the order events arrived, off the
 * request's path. Pulls are frequent: they are gathered in memory (the last time per
 * artifact) and written in one batch every `pullFlushMs`, so a pull never waits on, or
 * causes, a database write of its own.
 */
import type { EventBus } from '../events/bus.js';
import type { IndexStore } from '../db/index-store.js';
import type { PullMark } from '../db/index-types.js';
import type { Logger } from '../log.js';
import type { Registry } from '../registry/registry.js';
import { artifactFacts } from './artifact-facts.js';

/** Options of the Indexer. */
export interface IndexerOptions {
  /** Milliseconds between two writes of the pulls gathered (default 10 s). */
  pullFlushMs?: number;
}

/** The listener that keeps the index right. */
export class Indexer {
  private queue: Promise<void> = Promise.resolve();
  private pulls = new Map<string, PullMark>();
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: (() => void)[];

  constructor(
    private readonly registry: Registry,
    private readonly store: IndexStore,
    private readonly log: Logger,
    options: IndexerOptions = {},
  ) {
    const events: EventBus = registry.events;
    this.unsubscribe = [
      events.on('manifest.pushed', (e) =>
        this.enqueue('push', async () => {
          const facts = await artifactFacts(this.registry, e.data.repository, e.data.digest);
          const pushedBy = e.origin.actor;
          await this.store.putArtifact({ ...facts, pushedAt: e.at, ...(pushedBy ? { pushedBy } : {}) }, e.data.tags);
        }),
      ),
      events.on('manifest.deleted', (e) => this.enqueue('delete', () => this.store.removeArtifact(e.data.repository, e.data.digest))),
      events.on('tag.deleted', (e) => this.enqueue('untag', () => this.store.removeTag(e.data.repository, e.data.tag))),
      events.on('repository.deleted', (e) => this.enqueue('remove', () => this.store.removeRepository(e.data.repository))),
      events.on('manifest.pulled', (e) => {
        this.pulls.set(`${e.data.repository}@${e.data.digest}`, { repository: e.data.repository, digest: e.data.digest, at: e.at });
      }),
    ];
    this.timer = setInterval(() => void this.flushPulls(), options.pullFlushMs ?? 10_000);
    this.timer.unref();
  }

  /** Run `task` after every event received so far (rebuild steps take their turn here too). */
  enqueue(what: string, task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task).catch((err: unknown) => {
      this.log.error('index update failed', { what, error: err instanceof Error ? err.message : String(err) });
    });
    this.queue = run;
    return run;
  }

  /** Resolves when every event received so far is in the database (pulls included). */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.queue;
      await seen;
    } while (seen !== this.queue);
    await this.flushPulls();
  }

  /** Write the pulls gathered since the last flush. */
  async flushPulls(): Promise<void> {
    if (this.pulls.size === 0) return;
    const marks = [...this.pulls.values()];
    this.pulls = new Map();
    // After the queue: a pull of a just-pushed artifact finds its row.
    await this.enqueue('pulls', () => this.store.markPulled(marks));
  }

  /** Stop listening and write what is pending. */
  async close(): Promise<void> {
    for (const u of this.unsubscribe) u();
    clearInterval(this.timer);
    await this.idle();
  }
}
