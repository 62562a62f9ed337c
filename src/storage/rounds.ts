/**
 * Group commit: callers that need the same expensive step (an fsync of one directory) after
 * their own change share one run of it. A run that has already started may have missed a
 * change made while it ran, so a caller arriving then waits for the next run, which every
 * caller arriving during the current one shares: N concurrent commits into one directory
 * cost two fsyncs, not N.
 */

interface Key {
  /** The run in progress, if any. */
  running?: Promise<void>;
  /** The next run, shared by everyone who arrived while `running` ran. */
  next?: Promise<void>;
}

/** Shared runs of `step(key)`, one chain per key. */
export class Rounds {
  readonly #keys = new Map<string, Key>();

  constructor(private readonly step: (key: string) => Promise<void>) {}

  /** Resolve once a run of `step(key)` that started after this call has finished. */
  run(key: string): Promise<void> {
    let state = this.#keys.get(key);
    if (state === undefined) this.#keys.set(key, (state = {}));
    if (state.running === undefined) return this.#start(key, state);
    // Joined, not started here: it begins once the current run is over.
    state.next ??= state.running.then(
      () => this.#start(key, state),
      () => this.#start(key, state),
    );
    return state.next;
  }

  #start(key: string, state: Key): Promise<void> {
    state.next = undefined;
    const running = this.step(key).finally(() => {
      if (state.running === running) state.running = undefined;
      if (state.running === undefined && state.next === undefined) this.#keys.delete(key);
    });
    state.running = running;
    return running;
  }
}
