/**
 * A worker's pins under http.workers: src/registry/pins.ts in this worker, and the same holds,
 * runs and claims told to the primary's PinBoard, so a push in one worker and a collector run
 * in another agree on a digest as they do in one process.
 */
import { Pins } from '../registry/pins.js';

/** How a worker reaches the primary's PinBoard (src/cluster/worker-link.ts; in tests, directly). */
export interface PinLink {
  /** Pin `digests`; resolves once no delete of them is in flight in any worker. */
  pin(digests: readonly string[]): Promise<void>;
  unpin(digests: readonly string[]): void;
  /** A collector run here begins (true) or ends (false). */
  run(begin: boolean): void;
  /** Whether this worker may delete `digest` now (the primary marks it as being deleted). */
  claim(digest: string): Promise<boolean>;
  /** The delete of `digest` this worker claimed is over. */
  claimed(digest: string): void;
}

/** Pins that hold across the workers. */
export class SharedPins extends Pins {
  constructor(private readonly link: PinLink) {
    super();
  }

  /** Pinned here first (this worker's collector sees it at once), then in the primary. */
  override async hold(digests: Iterable<string>): Promise<() => void> {
    const list = [...new Set(digests)];
    const releaseHere = await super.hold(list);
    try {
      await this.link.pin(list);
    } catch (err) {
      releaseHere();
      throw err;
    }
    return once(() => {
      releaseHere();
      this.link.unpin(list);
    });
  }

  override beginRun(): () => void {
    const endHere = super.beginRun();
    this.link.run(true);
    return once(() => {
      endHere();
      this.link.run(false);
    });
  }

  /**
   * Claimed in the primary, then here (a pin taken here meanwhile still refuses it); the
   * primary hears when the delete is over, whatever the outcome.
   */
  override async claim(digest: string, fn: () => Promise<boolean>): Promise<boolean> {
    if (this.isPinned(digest)) return false;
    if (!(await this.link.claim(digest))) return false;
    try {
      return await super.claim(digest, fn);
    } finally {
      this.link.claimed(digest);
    }
  }
}

/** `fn`, run on the first call only (a release or an end called twice counts once). */
function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
