/**
 * The audit log: a listener on the event bus that turns what happened (push, pull, delete,
 * logins, tokens, management API changes) into audit entries, gathered in
 * memory and appended in batches off the request's path. Pruning old entries is a scheduled
 * job (auditPruneJob).
 */
import type { AuditEntry, AuditStore } from '../db/audit-store.js';
import type { EventBus } from '../events/bus.js';
import type { Origin, RegistryEvent } from '../events/events.js';
import type { Logger } from '../log.js';
import type { Job } from '../ops/scheduler.js';
import { projectOf } from './names.js';

/** Options of the AuditLog. */
export interface AuditLogOptions {
  /** Milliseconds between two batch writes (default 1 s). */
  flushMs?: number;
}

// A batch is written at once when it grows this big; beyond the cap (the database is down),
// the oldest entries are dropped rather than memory filling up.
const BATCH = 500;
const CAP = 100_000;

/** Who an event's origin names, as the audit log records it. */
function who(origin: Origin): Pick<AuditEntry, 'actor' | 'actorKind' | 'address'> {
  return {
    ...(origin.actor ? { actor: origin.actor } : {}),
    actorKind: origin.actor ? (origin.actorKind ?? 'user') : 'anonymous',
    ...(origin.address ? { address: origin.address } : {}),
  };
}

/** The audit entry for an event, or undefined for events not audited (blob traffic). */
export function auditEntry(e: RegistryEvent): AuditEntry | undefined {
  const base = { at: e.at, ...who(e.origin), outcome: 'success' as const };
  const inRepo = (repository: string, resource: string) => ({ project: projectOf(repository), resource });
  switch (e.type) {
    case 'manifest.pushed':
      return {
        ...base,
        action: 'push',
        ...inRepo(e.data.repository, `${e.data.repository}@${e.data.digest}`),
        detail: { tags: e.data.tags },
      };
    case 'manifest.pulled':
      return {
        ...base,
        action: 'pull',
        ...inRepo(e.data.repository, `${e.data.repository}@${e.data.digest}`),
        ...(e.data.tag ? { detail: { tag: e.data.tag } } : {}),
      };
    case 'manifest.deleted':
      return {
        ...base,
        action: 'delete',
        ...inRepo(e.data.repository, `${e.data.repository}@${e.data.digest}`),
        detail: { tags: e.data.tags },
      };
    case 'tag.deleted':
      return { ...base, action: 'delete', ...inRepo(e.data.repository, `${e.data.repository}:${e.data.tag}`) };
    case 'repository.deleted':
      return {
        ...base,
        action: 'delete',
        ...inRepo(e.data.repository, e.data.repository),
        detail: { tags: e.data.tags, manifests: e.data.manifests },
      };
    case 'login.succeeded':
      return { ...base, action: 'login', detail: { grant: e.data.grant } };
    case 'login.failed':
      return {
        ...base,
        ...(e.data.user ? { actor: e.data.user } : {}),
        action: 'login',
        outcome: 'failure',
        detail: { grant: e.data.grant, reason: e.data.reason },
      };
    case 'token.issued':
      return { ...base, action: 'token', detail: { access: e.data.access } };
    case 'management.changed':
      // The API announces every change with its answer's status, refusals included.
      return {
        ...base,
        action: `management.${e.data.operation}`,
        ...(e.data.project ? { project: e.data.project } : {}),
        resource: `${e.data.method} ${e.data.path}`,
        outcome: e.data.status < 400 ? 'success' : 'failure',
        detail: { route: e.data.route, status: e.data.status },
      };
    default:
      return undefined;
  }
}

/** The listener writing audit entries in batches. */
export class AuditLog {
  private pending: AuditEntry[] = [];
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    events: EventBus,
    private readonly store: AuditStore,
    private readonly log: Logger,
    options: AuditLogOptions = {},
  ) {
    this.unsubscribe = events.onAny((e) => {
      const entry = auditEntry(e);
      if (entry) this.record(entry);
    });
    this.timer = setInterval(() => void this.flush(), options.flushMs ?? 1000);
    this.timer.unref();
  }

  /** Record an entry directly (for what no event announces); written with the next batch. */
  record(entry: AuditEntry): void {
    this.pending.push(entry);
    if (this.pending.length > CAP) this.pending.splice(0, this.pending.length - CAP);
    if (this.pending.length >= BATCH) void this.flush();
  }

  /** Write what is pending; resolves when every entry recorded so far is stored. */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.pending.length === 0) return;
      const batch = this.pending;
      this.pending = [];
      try {
        await this.store.append(batch);
      } catch (err) {
        // Kept for the next flush (in front of newer entries, so the order holds).
        this.pending = [...batch, ...this.pending].slice(-CAP);
        this.log.error('audit write failed', { entries: batch.length, error: err instanceof Error ? err.message : String(err) });
      }
    });
    return this.writing;
  }

  /** Stop listening and write what is pending. */
  async close(): Promise<void> {
    this.unsubscribe();
    clearInterval(this.timer);
    await this.flush();
  }
}

/** The scheduled job removing entries older than `retentionDays` (none when 0). */
export function auditPruneJob(store: AuditStore, config: { retentiondays: number; pruneinterval: number }, log: Logger): Job {
  return {
    name: 'audit-prune',
    every: config.retentiondays > 0 ? config.pruneinterval * 1000 : 0,
    async run() {
      const removed = await store.prune(new Date(Date.now() - config.retentiondays * 86_400_000));
      if (removed > 0) log.info('audit entries pruned', { removed, retentiondays: config.retentiondays });
    },
  };
}
