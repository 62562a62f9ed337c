/**
 * Read-only mode (Distribution's storage.maintenance.readonly): while on, every client write
 * is refused by a write guard with a message docker prints as it is, and reads go on. The
 * state starts from the configuration and is switched at run time through set() (SIGUSR2 or
 * `berth readonly on|off` today; the management API calls the same setter).
 */
import type { Logger } from '../log.js';
import { WriteRefusedError, type WriteGuard } from '../registry/guards.js';

/** What read-only mode is now, and since when. */
export interface ReadOnlySnapshot {
  enabled: boolean;
  since: string;
  /** Who or what switched it last (config, signal, cli, api). */
  by: string;
}

/** The runtime read-only switch. */
export class ReadOnlyState {
  #enabled: boolean;
  #since = new Date();
  #by = 'config';
  #peers: ((enabled: boolean, by: string) => Promise<void>) | undefined;

  constructor(
    enabled: boolean,
    private readonly log?: Logger,
  ) {
    this.#enabled = enabled;
  }

  /** Whether writes are refused now. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Switch read-only mode on or off; `by` is recorded and logged. Returns whether it changed. */
  set(enabled: boolean, by: string): boolean {
    if (enabled === this.#enabled) return false;
    this.#enabled = enabled;
    this.#since = new Date();
    this.#by = by;
    this.log?.warn(enabled ? 'read-only mode on: writes are refused' : 'read-only mode off: writes accepted', { by });
    return true;
  }

  /**
   * Switch it here and in every other worker of this machine (http.workers), resolved once all
   * have switched: the management API's switch. set() stays local (config, SIGHUP and signals
   * reach every worker by themselves).
   */
  async switch(enabled: boolean, by: string): Promise<boolean> {
    const changed = this.set(enabled, by);
    await this.#peers?.(enabled, by);
    return changed;
  }

  /** How switch() reaches the other workers (src/cluster). */
  shareWith(peers: (enabled: boolean, by: string) => Promise<void>): void {
    this.#peers = peers;
  }

  /** The current state, for status endpoints and logs. */
  snapshot(): ReadOnlySnapshot {
    return { enabled: this.#enabled, since: this.#since.toISOString(), by: this.#by };
  }

  /** The write guard that refuses every write while the mode is on. */
  guard(): WriteGuard {
    return (intent) => {
      if (!this.#enabled) return;
      throw new WriteRefusedError(`registry is in read-only mode for maintenance: ${intent.action} refused (pulls still work)`, {
        readonly: true,
        since: this.#since.toISOString(),
      });
    };
  }
}
