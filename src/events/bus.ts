/**
 * The one event bus. Emitting is synchronous and cheap (a manifest GET announces a pull on
 * the hot path): listeners must only record what they need and do slow work (database
 * writes, HTTP deliveries) in batches off the request's path. A throwing listener is logged,
 * never propagated to the request that announced the event.
 */
import type { Logger } from '../log.js';
import type { EventName, Origin, RegistryEvent, RegistryEvents } from './events.js';

/** A subscriber to one event type, or to all of them. */
export type Listener<K extends EventName = EventName> = (event: RegistryEvent<K>) => void;

/** Publish/subscribe for registry events. */
export class EventBus {
  private readonly byType = new Map<EventName, Listener<never>[]>();
  private readonly all: Listener[] = [];

  constructor(private readonly log?: Logger) {}

  /** Subscribe to one event type; returns the unsubscribe function. */
  on<K extends EventName>(type: K, listener: Listener<K>): () => void {
    const list = this.byType.get(type) ?? [];
    list.push(listener as Listener<never>);
    this.byType.set(type, list);
    return () =>
      this.byType.set(
        type,
        (this.byType.get(type) ?? []).filter((l) => l !== listener),
      );
  }

  /** Subscribe to every event; returns the unsubscribe function. */
  onAny(listener: Listener): () => void {
    this.all.push(listener);
    return () => {
      const i = this.all.indexOf(listener);
      if (i >= 0) this.all.splice(i, 1);
    };
  }

  /** Whether anyone listens to `type` (lets a hot path skip building a payload). */
  listened(type: EventName): boolean {
    return this.all.length > 0 || (this.byType.get(type)?.length ?? 0) > 0;
  }

  /** Announce an event that has happened (storage has committed). */
  emit<K extends EventName>(type: K, data: RegistryEvents[K], origin: Origin = {}): void {
    const typed = this.byType.get(type);
    if (this.all.length === 0 && (typed === undefined || typed.length === 0)) return;
    const event = { type, data, origin, at: new Date() } as RegistryEvent<K>;
    for (const l of typed ?? []) this.deliver(l as Listener<K>, event);
    for (const l of this.all) this.deliver(l, event);
  }

  private deliver<K extends EventName>(listener: Listener<K>, event: RegistryEvent<K>): void {
    try {
      listener(event);
    } catch (err) {
      this.log?.error('event listener failed', { event: event.type, error: String(err) });
    }
  }
}
