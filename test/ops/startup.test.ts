/**
 * Start-up tells the truth: a storage root that cannot be used, a port in use and a bad value
 * stop the start with one line naming the folder, address or key and where its value came from.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { failedStart } from '../helpers/berth-process.js';

/**
 * The one line a refused start printed (and that it is the only one besides structured log
 * lines, such as the warning that authentication is off, which come before the refusal).
 */
function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{"level"'));
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  return lines[0]!;
}

describe('a start that cannot serve is refused in one line', { timeout: 300_000 }, () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'berth-start-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('a storage root whose parent does not exist (a typo) is not created', async () => {
    const root = join(dir, 'no-such-parent', 'data');
    const r = await failedStart({ BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: root });
    assert.equal(r.code, 1);
    assert.equal(
      oneLine(r.stderr),
      `berth: storage filesystem: ${root}: does not exist, nor does its parent ${join(dir, 'no-such-parent')} (a typo in storage.filesystem.rootdirectory?)`,
    );
  });

  it('under http.workers: the same one line, and the exit code, with nothing added by the primary', async () => {
    const root = join(dir, 'no-such-parent', 'data');
    const r = await failedStart({ BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: root, BERTH_HTTP_WORKERS: '2' });
    assert.equal(r.code, 1);
    assert.match(oneLine(r.stderr), /^berth: storage filesystem: .*: does not exist, nor does its parent/);
    assert.doesNotMatch(r.stderr, /"level":"(error|fatal)"/);
  });

  it('a storage root that is a file', async () => {
    const root = join(dir, 'file');
    await writeFile(root, 'x');
    const r = await failedStart({ BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: root });
    assert.equal(oneLine(r.stderr), `berth: storage filesystem: ${root}: not a directory`);
  });

  it(
    'a storage root this user cannot write (a root-owned bind mount) names the owner and the way out',
    {
      skip: process.getuid?.() !== 0 && 'needs root to run Berth as another user',
    },
    async () => {
      const root = join(dir, 'root-owned');
      await mkdir(root, { mode: 0o755 });
      await chmod(dir, 0o755);
      const r = await failedStart({ BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: root, HOME: dir }, 65534);
      assert.equal(r.code, 1);
      assert.equal(
        oneLine(r.stderr),
        `berth: storage filesystem: ${root}: is not writable by this process (uid 65534); it belongs to uid 0, mode 755: chown it to uid 65534 or run as its owner`,
      );
    },
  );

  it('a port in use is one line, not a stack trace', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    try {
      // Without the web UI, whose absence from an unbuilt checkout is a warning of its own.
      const r = await failedStart({
        BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: join(dir, 'data'),
        BERTH_HTTP_ADDR: `127.0.0.1:${port}`,
        BERTH_UI_ENABLED: 'false',
      });
      assert.equal(r.code, 1);
      assert.equal(
        oneLine(r.stderr),
        `berth: http.addr 127.0.0.1:${port}: cannot listen: the address is already in use (another registry or process listens there)`,
      );
    } finally {
      taken.close();
    }
  });

  it('a bad value names the file it is in, or the variable that set it', async () => {
    const file = join(dir, 'config.yml');
    await writeFile(file, `storage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: maybe\n`);
    const fromFile = await failedStart({ BERTH_CONFIG: file });
    assert.match(fromFile.stderr, new RegExp(`storage\\.delete\\.enabled: Expected boolean, received string \\(file ${file}\\)`));
    const fromEnv = await failedStart({
      BERTH_CONFIG: file,
      REGISTRY_STORAGE_DELETE_ENABLED: 'perhaps',
      BERTH_STORAGE_DELETE_ENABLED: 'nope',
    });
    assert.match(fromEnv.stderr, /storage\.delete\.enabled: Expected boolean, received string \(env BERTH_STORAGE_DELETE_ENABLED\)/);
  });
});
