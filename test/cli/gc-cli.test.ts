/**
 * `berth gc`, `berth repo` and `berth uploads purge` on a configured storage folder (the same
 * code as the command line, run in this process with stdout captured), beside an app serving
 * the same folder.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { UsageError } from '../../src/cli/command.js';
import { gcCommand, uploadsCommand } from '../../src/cli/gc.js';
import { indexCommand } from '../../src/cli/index.js';
import { repoCommand } from '../../src/cli/repo.js';
import { openDatabase } from '../../src/db/database.js';
import { createStores } from '../../src/db/stores.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { runCommand as run } from '../helpers/cli.js';
import { pullImage } from '../helpers/gc.js';
import { pushBlob, pushImage, startUpload } from '../helpers/oci.js';

describe('berth gc, repo and uploads commands', () => {
  let t: TestApp;
  let file = '';
  before(async () => {
    t = await makeApp('fs', { storage: { cache: { ttl: 0 } } });
    file = join(t.root!, 'config.yml');
    await writeFile(file, `storage:\n  filesystem:\n    rootdirectory: ${t.root}\n`);
  });
  after(() => t.cleanup());

  it('gc --dry-run lists, gc deletes, --delete-untagged takes untagged manifests; refusals exit 1', async () => {
    const kept = await pushImage(t.app, 'cli/app', { ref: 'v1', seed: 'kept' });
    const untagged = await pushImage(t.app, 'cli/app', { seed: 'untagged' });
    const orphan = await pushBlob(t.app, 'cli/app', 'orphan');
    await new Promise((r) => setTimeout(r, 10));

    const recent = await run(gcCommand, '--config', file, '--json');
    assert.equal(JSON.parse(recent.out).freedBlobs, 0, 'the default grace period (1h) keeps everything just pushed');
    const dry = await run(gcCommand, '--config', file, '--dry-run', '--grace', '0s');
    assert.equal(dry.code, 0);
    assert.match(dry.out, new RegExp(`^would delete blob ${orphan}$`, 'm'));
    assert.match(dry.out, /\(dry run\)\n$/);
    const swept = JSON.parse((await run(gcCommand, '--config', file, '--grace', '0s', '--delete-untagged', '--json')).out);
    assert.deepEqual(swept.swept.manifests, [{ repository: 'cli/app', digest: untagged.digest }]);
    assert.ok(swept.swept.blobs.includes(orphan));
    await pullImage(t.app, 'cli/app', 'v1', kept);
    await assert.rejects(run(gcCommand, '--config', file, '--grace', 'soon'), UsageError);
  });

  it('repo rm updates the artifact index and the audit log in the database a server shares', async () => {
    await pushImage(t.app, 'cli/indexed', { ref: 'v1', seed: 'indexed' });
    assert.equal((await run(indexCommand, 'rebuild', '--config', file)).code, 0);
    const db = await openDatabase({ database: { sqlite: { path: join(t.root!, 'berth.db'), busytimeout: 5000 } }, storage: {} } as never);
    try {
      const stores = createStores(db);
      assert.ok((await stores.index.repositoryNames()).includes('cli/indexed'));
      const rm = await run(repoCommand, 'rm', 'cli/indexed', '--config', file);
      assert.equal(rm.code, 0, rm.err);
      assert.ok(!(await stores.index.repositoryNames()).includes('cli/indexed'), 'the index forgot it at once');
      const audit = await stores.audit.list();
      const entry = audit.find((a) => a.resource === 'cli/indexed');
      assert.ok(entry, JSON.stringify(audit));
      assert.equal(entry.action, 'delete');
      assert.equal(entry.actor, 'cli');
    } finally {
      await db.close();
    }
  });

  it('repo list and repo rm; uploads purge', async () => {
    await pushImage(t.app, 'cli/gone', { ref: 'v1' });
    const upload = await startUpload(t.app, 'cli/gone');
    assert.equal((await run(repoCommand, 'list', '--config', file)).out, 'cli/app\ncli/gone\n');
    const rm = await run(repoCommand, 'rm', 'cli/gone', '--config', file);
    assert.equal(rm.code, 0, rm.err);
    assert.match(rm.out, /^cli\/gone: removed \(1 tags, 1 manifests\)/);
    await request(t.app)
      .get('/v2/_catalog')
      .expect(200, { repositories: ['cli/app'] });
    await request(t.app).get(upload.path).expect(404);
    const again = await run(repoCommand, 'rm', 'cli/gone', '--config', file);
    assert.deepEqual([again.code, again.err], [1, 'berth: repository name not known to registry\n']);
    const leftover = await startUpload(t.app, 'cli/app');
    const purge = await run(uploadsCommand, 'purge', '--config', file, '--age', '0s', '--json');
    assert.deepEqual(JSON.parse(purge.out).purged, [`cli/app/${leftover.id}`]);
  });
});
