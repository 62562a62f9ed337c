/**
 * Cooperative yielding for long loops on the request path (the descriptors of a big manifest,
 * its reference checks). Work that only touches memory or cached facts never gives the event
 * loop a turn by itself, so every other request would wait for it; a Pacer lets them in once
 * the current turn has run longer than its budget.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** How long one turn may run before other requests get theirs, in ms. */
export const TURN_BUDGET_MS = 10;

/** Tracks how long the current turn has run; see the file comment. */
export class Pacer {
  #since = performance.now();

  constructor(private readonly budgetMs = TURN_BUDGET_MS) {}

  /** True when the current turn has used up its budget (check it cheaply, then `await yield()`). */
  due(): boolean {
    return performance.now() - this.#since >= this.budgetMs;
  }

  /** Let the event loop run everything pending, then start a new turn. */
  async yield(): Promise<void> {
    await nextTurn();
    this.#since = performance.now();
  }

  /** Yield when due: for loops whose steps are cheap next to an await. */
  async tick(): Promise<void> {
    if (this.due()) await this.yield();
  }
}
