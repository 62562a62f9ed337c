/**
 * Reading the artifact index: repositories with their counts and sizes, a repository's
 * artifacts with their tags (one page of artifacts, then the tags of that page only, so a
 * repository of 10,000 tags lists in two indexed queries), per-project usage, search.
 */
import { sql, type Selectable } from 'kysely';
import type { Artifact, ArtifactFilter, ProjectUsage, RepositoryFilter, RepositorySummary } from './index-types.js';
import { nameContains, startsWith } from './paging.js';
import type { ArtifactsTable, Db } from './tables.js';

/** The read side of the index store. */
export interface IndexQueries {
  /** Repositories in name order, with artifact count, size and last push. */
  repositories(filter?: RepositoryFilter): Promise<RepositorySummary[]>;
  countRepositories(filter?: Omit<RepositoryFilter, 'offset' | 'limit'>): Promise<number>;
  repository(name: string): Promise<RepositorySummary | undefined>;
  /** A repository's artifacts, newest push first, each with its tags in name order. */
  artifacts(repository: string, filter?: ArtifactFilter): Promise<Artifact[]>;
  countArtifacts(repository: string, filter?: Omit<ArtifactFilter, 'offset' | 'limit'>): Promise<number>;
  /** One artifact by digest, or by the tag pointing at it. */
  artifact(repository: string, reference: { digest: string } | { tag: string }): Promise<Artifact | undefined>;
  /** Repository count and storage used, per project name (projects without repositories absent). */
  projectUsage(projects?: readonly string[]): Promise<Map<string, ProjectUsage>>;
}

// An index's size is its children's; its children are images of the same repository, so a
// repository's size sums its images only (platforms is set on indexes alone).
const imageSize = sql<number>`cast(coalesce(sum(case when artifacts.platforms is null then artifacts.size else 0 end), 0) as bigint)`;

const toArtifact = (repository: string, r: Selectable<ArtifactsTable>, tags: string[]): Artifact => ({
  repository,
  digest: r.digest,
  mediaType: r.media_type,
  ...(r.artifact_type !== null ? { artifactType: r.artifact_type } : {}),
  manifestSize: r.manifest_size,
  size: r.size,
  ...(r.platforms !== null ? { platforms: JSON.parse(r.platforms) as string[] } : {}),
  ...(r.subject !== null ? { subject: r.subject } : {}),
  ...(r.description !== null ? { description: r.description } : {}),
  pushedAt: new Date(r.pushed_at),
  ...(r.pushed_by !== null ? { pushedBy: r.pushed_by } : {}),
  ...(r.pulled_at !== null ? { pulledAt: new Date(r.pulled_at) } : {}),
  tags,
});

/** The index queries over `db`. */
export function indexQueries(db: Db): IndexQueries {
  const repos = (f: Omit<RepositoryFilter, 'offset' | 'limit'>) => {
    let q = db.selectFrom('repositories');
    if (f.project !== undefined) q = q.where('repositories.project', '=', f.project);
    if (f.query) q = q.where(nameContains('repositories.name', f.query));
    const text = f.text;
    if (text) q = q.where((eb) => eb.or([nameContains('repositories.name', text), nameContains('repositories.description', text)]));
    if (f.names !== undefined) q = f.names.length > 0 ? q.where('repositories.name', 'in', [...f.names]) : q.where(sql<boolean>`1 = 0`);
    return q;
  };
  const summaries = async (f: RepositoryFilter): Promise<RepositorySummary[]> => {
    let q = repos(f)
      .leftJoin('artifacts', 'artifacts.repository_id', 'repositories.id')
      .select([
        'repositories.name',
        'repositories.project',
        'repositories.description',
        'repositories.pushed_at',
        'repositories.pulled_at',
        (eb) => eb.fn.count<number>('artifacts.id').as('artifacts'),
        imageSize.as('size'),
      ])
      .groupBy([
        'repositories.id',
        'repositories.name',
        'repositories.project',
        'repositories.description',
        'repositories.pushed_at',
        'repositories.pulled_at',
      ])
      .orderBy('repositories.name');
    if (f.limit !== undefined) q = q.limit(f.limit);
    if (f.offset) q = q.offset(f.offset);
    return (await q.execute()).map((r) => ({
      name: r.name,
      project: r.project,
      ...(r.description !== null ? { description: r.description } : {}),
      artifactCount: Number(r.artifacts),
      size: Number(r.size),
      ...(r.pushed_at !== null ? { pushedAt: new Date(r.pushed_at) } : {}),
      ...(r.pulled_at !== null ? { pulledAt: new Date(r.pulled_at) } : {}),
    }));
  };
  const artifactRows = (repository: string, f: Omit<ArtifactFilter, 'offset' | 'limit'>) => {
    let q = db
      .selectFrom('artifacts')
      .innerJoin('repositories', 'repositories.id', 'artifacts.repository_id')
      .where('repositories.name', '=', repository);
    if (f.query) {
      const text = f.query;
      q = q.where((eb) =>
        eb.or([
          startsWith('artifacts.digest', text),
          eb.exists(
            eb
              .selectFrom('tags')
              .select('tags.name')
              .whereRef('tags.repository_id', '=', 'artifacts.repository_id')
              .whereRef('tags.digest', '=', 'artifacts.digest')
              .where(nameContains('tags.name', text)),
          ),
        ]),
      );
    }
    return q;
  };
  const withTags = async (repository: string, rows: Selectable<ArtifactsTable>[]): Promise<Artifact[]> => {
    if (rows.length === 0) return [];
    const tags = await db
      .selectFrom('tags')
      .select(['name', 'digest'])
      .where('repository_id', '=', rows[0]!.repository_id)
      .where(
        'digest',
        'in',
        rows.map((r) => r.digest),
      )
      .orderBy('name')
      .execute();
    const byDigest = new Map<string, string[]>();
    for (const t of tags) byDigest.set(t.digest, [...(byDigest.get(t.digest) ?? []), t.name]);
    return rows.map((r) => toArtifact(repository, r, byDigest.get(r.digest) ?? []));
  };

  return {
    repositories: (f = {}) => summaries(f),
    async countRepositories(f = {}) {
      const r = await repos(f)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async repository(name) {
      return (await summaries({ names: [name] }))[0];
    },
    async artifacts(repository, f = {}) {
      let q = artifactRows(repository, f).selectAll('artifacts').orderBy('artifacts.pushed_at', 'desc').orderBy('artifacts.id', 'desc');
      if (f.limit !== undefined) q = q.limit(f.limit);
      if (f.offset) q = q.offset(f.offset);
      return withTags(repository, await q.execute());
    },
    async countArtifacts(repository, f = {}) {
      const r = await artifactRows(repository, f)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async artifact(repository, ref) {
      let q = db
        .selectFrom('artifacts')
        .innerJoin('repositories', 'repositories.id', 'artifacts.repository_id')
        .selectAll('artifacts')
        .where('repositories.name', '=', repository);
      if ('digest' in ref) q = q.where('artifacts.digest', '=', ref.digest);
      else {
        q = q.where((eb) =>
          eb(
            'artifacts.digest',
            '=',
            eb
              .selectFrom('tags')
              .select('tags.digest')
              .whereRef('tags.repository_id', '=', 'repositories.id')
              .where('tags.name', '=', ref.tag),
          ),
        );
      }
      const row = await q.executeTakeFirst();
      return row ? (await withTags(repository, [row]))[0] : undefined;
    },
    async projectUsage(projects) {
      let q = db
        .selectFrom('repositories')
        .leftJoin('artifacts', 'artifacts.repository_id', 'repositories.id')
        .select([
          'repositories.project',
          (eb) => eb.fn.count<number>('repositories.id').distinct().as('repositories'),
          imageSize.as('size'),
        ])
        .groupBy('repositories.project');
      if (projects !== undefined) {
        if (projects.length === 0) return new Map();
        q = q.where('repositories.project', 'in', [...projects]);
      }
      const rows = await q.execute();
      return new Map(rows.map((r) => [r.project, { repositories: Number(r.repositories), size: Number(r.size) }]));
    },
  };
}
