/**
 * Write guards: what may refuse a write (read-only mode today; quotas and tag immutability as
 * they come) is asked by the registry services before they commit anything, and refuses by
 * throwing WriteRefusedError. Guards are not events: events announce what has happened.
 */
import type { Origin } from '../events/events.js';
import { RegistryError } from './errors.js';

/** A write a client asked for, as the guards see it. */
export interface WriteIntent {
  action:
    | 'upload'
    | 'upload.cancel'
    | 'blob.push'
    | 'blob.mount'
    | 'blob.delete'
    | 'manifest.push'
    | 'manifest.delete'
    | 'tag.delete'
    | 'repository.delete';
  repository: string;
  /** The blob or manifest digest, when known. */
  digest?: string;
  /** The tag a manifest is pushed under or a tag being deleted. */
  tag?: string;
  origin?: Origin;
}

/** Refuses a write by throwing WriteRefusedError; returns (or resolves) to allow it. */
export type WriteGuard = (intent: WriteIntent) => void | Promise<void>;

/** A guard refused a write (read-only mode, a quota, an immutable tag): 403 DENIED with its message. */
export class WriteRefusedError extends RegistryError {}

/** The guards the registry asks before every client write, in the order they were added. */
export class WriteGuards {
  private readonly guards = new Map<string, WriteGuard>();

  /** Add a named guard; returns the function that removes it. */
  add(name: string, guard: WriteGuard): () => void {
    if (this.guards.has(name)) throw new Error(`write guard ${name} added twice`);
    this.guards.set(name, guard);
    return () => void this.guards.delete(name);
  }

  /** Ask every guard; the first refusal is thrown. */
  async check(intent: WriteIntent): Promise<void> {
    for (const guard of this.guards.values()) await guard(intent);
  }
}
