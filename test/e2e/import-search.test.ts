/**
 * Import and docker search with real clients over HTTPS (accounts on): `docker save` of a real
 * image uploaded with `curl -F`, then `docker pull` gives the same image ID; an oci-archive
 * made by `skopeo copy` imports too; `docker search HOST/term` lists only what the caller may
 * pull.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ADMIN_PW, AccountsBerth } from './accounts-fixture.js';
import { BASE_IMAGE, docker, inspectImage, sh, skopeo, withLogs } from './helpers.js';

describe('import and docker search with real clients', { timeout: 900_000 }, () => {
  let f: AccountsBerth;
  /** curl -F the tarball to the import endpoint as the administrator; the JSON answer. */
  const importFile = async (file: string, query: string, project = 'team') => {
    const url = `${f.berth.url}/api/v1/projects/${project}/import?${query}`;
    const out = await sh('curl', [
      '-sS',
      '--cacert',
      f.caFile,
      '-u',
      `admin:${ADMIN_PW}`,
      '-F',
      `file=@${file}`,
      '-w',
      '\n%{http_code}',
      url,
    ]);
    const lines = out.stdout.trimEnd().split('\n');
    return { status: Number(lines.pop()), body: JSON.parse(lines.join('\n')) };
  };
  const as = (who: string, ...args: string[]) => f.as(who, ...args);
  const login = (who: string) => f.login(who);

  before(
    async () => {
      f = await AccountsBerth.start('import-e2e');
      await f.addUser('dev');
      await f.addUser('outsider');
      await f.cli('project', 'add', 'team', '--owner', 'dev');
      await f.cli('project', 'add', 'pub', '--public');
    },
    { timeout: 300_000 },
  );

  after(() => f?.stop(), { timeout: 60_000 });

  it('docker save, curl -F, docker pull: the same image ID', async () => {
    await withLogs([f.berth], async () => {
      const file = join(f.work, 'saved.tar');
      await docker('save', '-o', file, BASE_IMAGE);
      const res = await importFile(file, 'repository=imported&tag=1');
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.images[0].repository, 'team/imported');
      await login('dev');
      const ref = `${f.berth.host}/team/imported:1`;
      f.images.push(ref);
      await as('dev', 'pull', ref);
      assert.equal((await inspectImage(ref)).Id, (await inspectImage(BASE_IMAGE)).Id);
    });
  });

  it('an oci-archive made by skopeo copy imports, and docker pulls it', async () => {
    await withLogs([f.berth], async () => {
      const saved = join(f.work, 'for-skopeo.tar');
      await docker('save', '-o', saved, BASE_IMAGE);
      const archive = join(f.work, 'image.oci.tar');
      await skopeo('copy', `docker-archive:${saved}`, `oci-archive:${archive}:oci-tag`);
      const res = await importFile(archive, 'repository=from-oci');
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual(res.body.images[0].tags, ['oci-tag']);
      const ref = `${f.berth.host}/team/from-oci:oci-tag`;
      f.images.push(ref);
      await as('dev', 'pull', ref);
      // skopeo rewrites the config into OCI's form (a new image ID); the layers are the same.
      assert.deepEqual((await inspectImage(ref)).RootFS.Layers, (await inspectImage(BASE_IMAGE)).RootFS.Layers);
      // A corrupt tarball is refused with what is wrong.
      const bad = join(f.work, 'bad.tar');
      await writeFile(bad, 'not a tarball'.repeat(100));
      const refused = await importFile(bad, 'repository=bad&tag=1');
      assert.equal(refused.status, 400);
      assert.match(refused.body.error.message, /not a tar/);
    });
  });

  it('docker search HOST/term shows only what the caller may pull', async () => {
    await withLogs([f.berth], async () => {
      // A public repository matching the term as well.
      const pub = await importFile(join(f.work, 'saved.tar'), 'repository=imported-too&tag=1', 'pub');
      assert.equal(pub.status, 201, JSON.stringify(pub.body));
      const names = (out: string) =>
        out
          .split('\n')
          .slice(1)
          .map((l) => l.split(/\s+/)[0])
          .filter(Boolean)
          .sort();
      const devSees = await as('dev', 'search', `${f.berth.host}/imported`).catch(async (err: unknown) => {
        const log = (await f.berth.log()).split('\n').filter((l) => /v1\/|token/.test(l));
        throw new Error(`${String(err)}\n${log.slice(-20).join('\n')}`);
      });
      assert.deepEqual(names(devSees.stdout), ['pub/imported-too', 'team/imported']);
      await login('outsider');
      const outsiderSees = await as('outsider', 'search', `${f.berth.host}/imported`);
      assert.deepEqual(names(outsiderSees.stdout), ['pub/imported-too'], outsiderSees.stdout);
      const anonymous = await as('nobody', 'search', `${f.berth.host}/from`);
      assert.deepEqual(names(anonymous.stdout), [], anonymous.stdout);
    });
  });
});
