/**
 * Graceful shutdown: a list of named closers (the scheduler, the debug server, the metadata
 * database as it registers its own) run in reverse order of registration once the HTTP
 * server has drained, each awaited and its failure logged, never thrown.
 */
import type { Logger } from '../log.js';

/** Something to close at shutdown. */
export type Closer = () => Promise<void> | void;

/** The registry of closers. */
export class Shutdown {
  private readonly closers: { name: string; close: Closer }[] = [];
  private done: Promise<void> | undefined;

  constructor(private readonly log: Logger) {}

  /** Register a closer; the last registered closes first (the database after what uses it). */
  add(name: string, close: Closer): void {
    this.closers.push({ name, close });
  }

  /** Run every closer once; later calls return the same promise. */
  run(): Promise<void> {
    this.done ??= this.closeAll();
    return this.done;
  }

  private async closeAll(): Promise<void> {
    for (const { name, close } of [...this.closers].reverse()) {
      try {
        await close();
        this.log.debug('closed', { what: name });
      } catch (err) {
        this.log.error('close failed at shutdown', { what: name, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
}
