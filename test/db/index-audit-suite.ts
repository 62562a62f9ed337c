/** The index and audit stores' part of the store suite (run on SQLite and PostgreSQL). */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import type { IndexedArtifact } from '../../src/db/index-types.js';
import type { Stores } from '../../src/db/stores.js';

const hex = () => `sha256:${randomBytes(32).toString('hex')}`;

/** Register the index and audit tests; `stores` gives the suite's stores once opened. */
export function indexAuditSuite(stores: () => Stores): void {
  const uniq = (p: string) => `${p}${randomBytes(4).toString('hex')}`;
  const artifact = (repository: string, over: Partial<IndexedArtifact> = {}): IndexedArtifact => ({
    repository,
    digest: hex(),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: 'application/vnd.oci.image.config.v1+json',
    manifestSize: 400,
    size: 1000,
    pushedAt: new Date(),
    ...over,
    project: over.project ?? repository.split('/')[0]!,
  });

  it('index: push, tag, list with counts and sizes, move a tag, delete, project usage', async () => {
    const s = stores();
    const project = uniq('p');
    const repo = `${project}/app`;
    const a = artifact(repo, { pushedAt: new Date(1000), pushedBy: 'alice', description: 'first' });
    const b = artifact(repo, { pushedAt: new Date(2000), size: 500 });
    const idx = artifact(repo, {
      pushedAt: new Date(3000),
      size: 1500,
      platforms: ['linux/amd64', 'linux/arm64/v8'],
      mediaType: 'application/vnd.oci.image.index.v1+json',
    });
    await s.index.putArtifact(a, ['v1', 'latest']);
    await s.index.putArtifact(b, ['v2']);
    await s.index.putArtifact(idx, []);
    await s.index.putArtifact(artifact(`${project}/other`, { size: 7 }), ['x']);

    const summary = await s.index.repository(repo);
    assert.equal(summary?.artifactCount, 3);
    assert.equal(summary?.size, 1500, 'images only: the index counts its children once');
    assert.equal(summary?.pushedAt?.getTime(), 3000);
    assert.equal(summary?.description, 'first');
    assert.deepEqual(
      (await s.index.repositories({ project })).map((r) => r.name),
      [`${project}/app`, `${project}/other`],
    );
    assert.equal(await s.index.countRepositories({ project, query: 'oth' }), 1);
    assert.deepEqual(await s.index.repositories({ names: [] }), []);

    const listed = await s.index.artifacts(repo);
    assert.deepEqual(
      listed.map((x) => [x.digest, x.tags]),
      [
        [idx.digest, []],
        [b.digest, ['v2']],
        [a.digest, ['latest', 'v1']],
      ],
    );
    assert.deepEqual(listed[0]!.platforms, ['linux/amd64', 'linux/arm64/v8']);
    assert.equal(listed[2]!.pushedBy, 'alice');
    assert.equal((await s.index.artifacts(repo, { query: 'v2' }))[0]?.digest, b.digest);
    assert.equal(await s.index.countArtifacts(repo, { query: a.digest.slice(0, 20) }), 1);
    assert.equal((await s.index.artifacts(repo, { offset: 1, limit: 1 }))[0]?.digest, b.digest);
    assert.equal((await s.index.artifact(repo, { tag: 'latest' }))?.digest, a.digest);

    // Moving a tag; then the manifest goes with its tags.
    await s.index.putArtifact(b, ['latest']);
    assert.deepEqual((await s.index.artifact(repo, { digest: b.digest }))?.tags, ['latest', 'v2']);
    await s.index.removeTag(repo, 'v2');
    await s.index.removeArtifact(repo, b.digest);
    assert.equal(await s.index.artifact(repo, { tag: 'latest' }), undefined);
    assert.equal(await s.index.countArtifacts(repo), 2);

    const usage = await s.index.projectUsage([project]);
    assert.deepEqual(usage.get(project), { repositories: 2, size: 1007 });
  });

  it('index: pulls are recorded; rebuild replaces a repository and keeps who pushed', async () => {
    const s = stores();
    const repo = `${uniq('r')}/img`;
    const a = artifact(repo, { pushedBy: 'bob' });
    const gone = artifact(repo);
    await s.index.putArtifact(a, ['one']);
    await s.index.putArtifact(gone, ['two']);
    await s.index.markPulled([
      { repository: repo, digest: a.digest, at: new Date(5000) },
      { repository: 'nope/x', digest: a.digest, at: new Date() },
    ]);
    assert.equal((await s.index.artifact(repo, { digest: a.digest }))?.pulledAt?.getTime(), 5000);
    assert.equal((await s.index.repository(repo))?.pulledAt?.getTime(), 5000);

    await s.index.replaceRepository(repo, repo.split('/')[0]!, [{ ...a, pushedBy: undefined }], new Map([['three', a.digest]]));
    const after = await s.index.artifacts(repo);
    assert.deepEqual(
      after.map((x) => [x.digest, x.tags, x.pushedBy]),
      [[a.digest, ['three'], 'bob']],
    );
    assert.ok((await s.index.repositoryNames()).includes(repo));
    await s.index.removeRepository(repo);
    assert.equal(await s.index.repository(repo), undefined);
    assert.deepEqual(await s.index.artifacts(repo), []);
  });

  it('audit: append in a batch, filter by actor, project, action and time, prune', async () => {
    const s = stores();
    const project = uniq('aud');
    const who = uniq('u');
    const t = (ms: number) => new Date(Date.UTC(2020, 0, 1) + ms);
    await s.audit.append([
      {
        at: t(0),
        actor: who,
        actorKind: 'user',
        address: '10.0.0.1',
        action: 'push',
        project,
        resource: `${project}/a@sha256:1`,
        outcome: 'success',
      },
      { at: t(1000), actorKind: 'anonymous', action: 'pull', project, resource: `${project}/a:latest`, outcome: 'success' },
      { at: t(2000), actor: who, actorKind: 'user', action: 'login', outcome: 'failure', detail: { reason: 'bad password' } },
      { at: t(3000), actor: who, actorKind: 'user', action: 'management.postProjectsProjectMembers', project, outcome: 'success' },
    ]);
    const mine = await s.audit.list({ actor: who });
    assert.deepEqual(
      mine.map((e) => e.action),
      ['management.postProjectsProjectMembers', 'login', 'push'],
    );
    assert.deepEqual(mine[1]!.detail, { reason: 'bad password' });
    assert.equal(mine[2]!.address, '10.0.0.1');
    assert.equal(await s.audit.count({ projects: [project] }), 3);
    assert.equal(await s.audit.count({ projects: [] }), 0);
    assert.equal(await s.audit.count({ projects: [project], action: 'management' }), 1);
    assert.equal(await s.audit.count({ projects: [project], action: 'manage' }), 0);
    assert.equal(await s.audit.count({ projects: [project], since: t(1000), until: t(3000) }), 1);
    assert.equal((await s.audit.list({ projects: [project], limit: 1, offset: 1 }))[0]?.action, 'pull');
    assert.ok((await s.audit.prune(t(1500))) >= 2);
    assert.equal(await s.audit.count({ projects: [project] }), 1);
  });
}
