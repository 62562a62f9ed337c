/**
 * A worker's pins under http.workers: src/registry/pins.ts in this worker and, while a
 * collector run is in progress in any worker, in the primary's PinBoard too (pin-board.ts), so
 * a push in one worker and a run in another agree on a digest as they do in one process. With
 * no run in progress a pin costs no IPC.
 */
import { once, Pins } from '../registry/pins.js';

/** How a worker reaches the primary's PinBoard (src/cluster/worker-link.ts; in tests, directly). */
export interface PinLink {
  /** Pin `digests`; resolves once no delete of them is in flight in any worker. */
  pin(digests: readonly string[]): Promise<void>;
  unpin(digests: readonly string[]): void;
  /** A run here begins (`digests`: pins held here the primary has not been told of); resolves once every worker forwards its pins. */
  begin(digests: readonly string[]): Promise<void>;
  /** A run here ends. */
  end(): void;
  /** Whether this worker may delete `digest` now (the primary marks it as being deleted). */
  claim(digest: string): Promise<boolean>;
  /** The delete of `digest` this worker claimed is over. */
  claimed(digest: string): void;
  /** What the primary says of runs: `apply` returns, when they are, the pins it was not told of. */
  onActive(apply: (active: boolean) => string[]): void;
}

/** One hold, and whether the primary knows of it. */
interface Hold {
  digests: string[];
  told: boolean;
}

/** Pins that hold across the workers. */
export class SharedPins extends Pins {
  /** What the primary last said: runs in progress. True until it has said (a booting worker forwards). */
  #active = true;
  readonly #holds = new Set<Hold>();

  constructor(private readonly link: PinLink) {
    super();
    link.onActive((active) => {
      this.#active = active;
      return active ? this.#untold() : [];
    });
  }

  /** Pinned here at once (this worker's collector sees it); told to the primary while runs are in progress. */
  override async hold(digests: Iterable<string>): Promise<() => void> {
    const list = [...new Set(digests)];
    const hold: Hold = { digests: list, told: this.#active || this.runs > 0 };
    this.#holds.add(hold);
    const told = hold.told ? this.link.pin(list) : undefined;
    let releaseHere: (() => void) | undefined;
    const release = once(() => {
      this.#holds.delete(hold);
      releaseHere?.();
      if (hold.told) this.link.unpin(list);
    });
    try {
      releaseHere = await super.hold(list);
      await told;
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }

  override async beginRun(): Promise<() => void> {
    const endHere = this.beginHere();
    const end = once(() => {
      endHere();
      this.link.end();
    });
    try {
      await this.link.begin(this.#untold());
    } catch (err) {
      end();
      throw err;
    }
    return end;
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

  /** The digests of holds the primary does not know of, marked as told. */
  #untold(): string[] {
    const out: string[] = [];
    for (const h of this.#holds) {
      if (h.told) continue;
      h.told = true;
      out.push(...h.digests);
    }
    return out;
  }
}
