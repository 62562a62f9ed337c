/**
 * The artifact index store: writes (by the indexer, after storage has committed, and by
 * `berth index rebuild`) and reads (the management API, docker search). Storage stays the
 * truth: every row here can be recomputed from it.
 */
import { sql } from 'kysely';
import { atomically } from './atomic.js';
import { indexQueries, type IndexQueries } from './index-queries.js';
import type { IndexedArtifact, PullMark } from './index-types.js';
import type { Db } from './tables.js';

/** Reads and writes of the artifact index. */
export interface IndexStore extends IndexQueries {
  /** Record a pushed manifest and point `tags` at it (the repository is created when new). */
  putArtifact(a: IndexedArtifact, tags: readonly string[]): Promise<void>;
  /** Forget a manifest and the tags pointing at it. */
  removeArtifact(repository: string, digest: string): Promise<void>;
  /** Forget a tag. */
  removeTag(repository: string, tag: string): Promise<void>;
  /** Record when artifacts were last pulled (a batch gathered in memory). */
  markPulled(marks: readonly PullMark[]): Promise<void>;
  /**
   * Make a repository's rows say exactly what storage holds: `artifacts` and `tags` (name →
   * digest). Who pushed and when it was pulled are kept for artifacts that stay.
   */
  replaceRepository(name: string, project: string, artifacts: readonly IndexedArtifact[], tags: ReadonlyMap<string, string>): Promise<void>;
  /** Forget a repository and everything in it. */
  removeRepository(name: string): Promise<void>;
  /** Names of every indexed repository. */
  repositoryNames(): Promise<string[]>;
}

/** The index store over `db`. */
export function indexStore(db: Db): IndexStore {
  const repositoryId = async (tx: Db, name: string, project: string, at: number, description: string | null): Promise<number> => {
    const row = await tx
      .insertInto('repositories')
      .values({ name, project, description, pushed_at: at, pulled_at: null })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({
          pushed_at: sql<number>`case when repositories.pushed_at is null or repositories.pushed_at < excluded.pushed_at then excluded.pushed_at else repositories.pushed_at end`,
          description: sql<string | null>`coalesce(excluded.description, repositories.description)`,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const idOf = async (tx: Db, name: string) =>
    (await tx.selectFrom('repositories').select('id').where('name', '=', name).executeTakeFirst())?.id;
  const row = (id: number, a: IndexedArtifact) => ({
    repository_id: id,
    digest: a.digest,
    media_type: a.mediaType,
    artifact_type: a.artifactType ?? null,
    manifest_size: a.manifestSize,
    size: a.size,
    platforms: a.platforms ? JSON.stringify(a.platforms) : null,
    subject: a.subject ?? null,
    description: a.description ?? null,
    pushed_at: a.pushedAt.getTime(),
    pushed_by: a.pushedBy ?? null,
    pulled_at: null,
  });
  const upsertArtifact = (tx: Db, id: number, a: IndexedArtifact, keepPusher: boolean) => {
    const r = row(id, a);
    return tx
      .insertInto('artifacts')
      .values(r)
      .onConflict((oc) =>
        oc.columns(['repository_id', 'digest']).doUpdateSet({
          media_type: r.media_type,
          artifact_type: r.artifact_type,
          manifest_size: r.manifest_size,
          size: r.size,
          platforms: r.platforms,
          subject: r.subject,
          description: r.description,
          ...(keepPusher ? {} : { pushed_at: r.pushed_at, pushed_by: r.pushed_by }),
        }),
      )
      .execute();
  };
  const upsertTags = async (tx: Db, id: number, tags: Iterable<[string, string]>, at: number) => {
    for (const [name, digest] of tags) {
      await tx
        .insertInto('tags')
        .values({ repository_id: id, name, digest, pushed_at: at })
        .onConflict((oc) => oc.columns(['repository_id', 'name']).doUpdateSet({ digest, pushed_at: at }))
        .execute();
    }
  };

  return {
    ...indexQueries(db),
    putArtifact: (a, tags) =>
      atomically(db, async (tx) => {
        const at = a.pushedAt.getTime();
        const id = await repositoryId(tx, a.repository, a.project, at, a.description ?? null);
        await upsertArtifact(tx, id, a, false);
        await upsertTags(
          tx,
          id,
          tags.map((t) => [t, a.digest]),
          at,
        );
      }),
    removeArtifact: (repository, digest) =>
      atomically(db, async (tx) => {
        const id = await idOf(tx, repository);
        if (id === undefined) return;
        await tx.deleteFrom('tags').where('repository_id', '=', id).where('digest', '=', digest).execute();
        await tx.deleteFrom('artifacts').where('repository_id', '=', id).where('digest', '=', digest).execute();
      }),
    async removeTag(repository, tag) {
      const id = await idOf(db, repository);
      if (id !== undefined) await db.deleteFrom('tags').where('repository_id', '=', id).where('name', '=', tag).execute();
    },
    markPulled: (marks) =>
      atomically(db, async (tx) => {
        for (const m of marks) {
          const at = m.at.getTime();
          const id = await idOf(tx, m.repository);
          if (id === undefined) continue;
          await tx.updateTable('repositories').set({ pulled_at: at }).where('id', '=', id).execute();
          await tx.updateTable('artifacts').set({ pulled_at: at }).where('repository_id', '=', id).where('digest', '=', m.digest).execute();
        }
      }),
    replaceRepository: (name, project, artifacts, tags) =>
      atomically(db, async (tx) => {
        const newest = artifacts.reduce((n, a) => Math.max(n, a.pushedAt.getTime()), 0);
        const described = [...artifacts].sort((a, b) => b.pushedAt.getTime() - a.pushedAt.getTime()).find((a) => a.description);
        const id = await repositoryId(tx, name, project, newest, described?.description ?? null);
        const digests = artifacts.map((a) => a.digest);
        let stale = tx.deleteFrom('artifacts').where('repository_id', '=', id);
        if (digests.length > 0) stale = stale.where('digest', 'not in', digests);
        await stale.execute();
        for (const a of artifacts) await upsertArtifact(tx, id, a, true);
        await tx.deleteFrom('tags').where('repository_id', '=', id).execute();
        await upsertTags(tx, id, tags, newest);
      }),
    async removeRepository(name) {
      // Its artifacts and tags go by the foreign keys' cascade.
      await db.deleteFrom('repositories').where('name', '=', name).execute();
    },
    async repositoryNames() {
      return (await db.selectFrom('repositories').select('name').orderBy('name').execute()).map((r) => r.name);
    },
  };
}
