/** The audit log store: entries appended in batches, listed with filters, pruned by age. */
import type { Selectable } from 'kysely';
import { startsWith } from './paging.js';
import type { AuditTable, Db } from './tables.js';

/** Who did something, as the audit log records it. */
export type ActorKind = 'user' | 'robot' | 'system' | 'anonymous';

/** One audit entry. */
export interface AuditEntry {
  at: Date;
  /** Account name; absent for anonymous requests. */
  actor?: string;
  actorKind: ActorKind;
  /** Client address. */
  address?: string;
  /** What was done: push, pull, delete, login, token, or management.<operation>. */
  action: string;
  /** The project concerned, when there is one. */
  project?: string;
  /** What was acted on: a repository@digest or :tag, a user, a robot... */
  resource?: string;
  outcome: 'success' | 'failure';
  detail?: Record<string, unknown>;
}

/** A stored entry with its id. */
export interface StoredAuditEntry extends AuditEntry {
  id: number;
}

/** Which entries a listing includes: all filters are ANDed. */
export interface AuditFilter {
  actor?: string;
  /** Only entries of these projects (a project admin's view); undefined for all. */
  projects?: readonly string[];
  /** Actions equal to this, or starting with it followed by "." (management matches every management.* action). */
  action?: string;
  since?: Date;
  until?: Date;
  offset?: number;
  limit?: number;
}

/** Appending, listing and pruning audit entries. */
export interface AuditStore {
  append(entries: readonly AuditEntry[]): Promise<void>;
  /** Entries newest first. */
  list(filter?: AuditFilter): Promise<StoredAuditEntry[]>;
  count(filter?: Omit<AuditFilter, 'offset' | 'limit'>): Promise<number>;
  /** Remove entries older than `before`; resolves with how many went. */
  prune(before: Date): Promise<number>;
}

// Rows per INSERT: far below SQLite's bound-parameter limit at nine columns per row.
const ROWS_PER_INSERT = 500;

const toEntry = (r: Selectable<AuditTable>): StoredAuditEntry => ({
  id: r.id,
  at: new Date(r.at),
  ...(r.actor !== null ? { actor: r.actor } : {}),
  actorKind: r.actor_kind as ActorKind,
  ...(r.address !== null ? { address: r.address } : {}),
  action: r.action,
  ...(r.project !== null ? { project: r.project } : {}),
  ...(r.resource !== null ? { resource: r.resource } : {}),
  outcome: r.outcome === 'failure' ? 'failure' : 'success',
  ...(r.detail !== null ? { detail: JSON.parse(r.detail) as Record<string, unknown> } : {}),
});

/** The audit store over `db`. */
export function auditStore(db: Db): AuditStore {
  const filtered = (f: Omit<AuditFilter, 'offset' | 'limit'>) => {
    let q = db.selectFrom('audit');
    if (f.actor !== undefined) q = q.where('actor', '=', f.actor);
    if (f.projects !== undefined) q = f.projects.length > 0 ? q.where('project', 'in', [...f.projects]) : q.where('id', '<', 0);
    if (f.action !== undefined) {
      const action = f.action;
      q = q.where((eb) => eb.or([eb('action', '=', action), startsWith('action', `${action}.`)]));
    }
    if (f.since !== undefined) q = q.where('at', '>=', f.since.getTime());
    if (f.until !== undefined) q = q.where('at', '<', f.until.getTime());
    return q;
  };
  return {
    async append(entries) {
      for (let i = 0; i < entries.length; i += ROWS_PER_INSERT) {
        const rows = entries.slice(i, i + ROWS_PER_INSERT).map((e) => ({
          at: e.at.getTime(),
          actor: e.actor ?? null,
          actor_kind: e.actorKind,
          address: e.address ?? null,
          action: e.action,
          project: e.project ?? null,
          resource: e.resource ?? null,
          outcome: e.outcome,
          detail: e.detail ? JSON.stringify(e.detail) : null,
        }));
        await db.insertInto('audit').values(rows).execute();
      }
    },
    async list(f = {}) {
      let q = filtered(f).selectAll().orderBy('at', 'desc').orderBy('id', 'desc');
      if (f.limit !== undefined) q = q.limit(f.limit);
      if (f.offset) q = q.offset(f.offset);
      return (await q.execute()).map(toEntry);
    },
    async count(f = {}) {
      const r = await filtered(f)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async prune(before) {
      const r = await db.deleteFrom('audit').where('at', '<', before.getTime()).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
