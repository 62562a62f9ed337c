/**
 * `berth readonly on|off|status` against a real Berth process (accounts on): it switches the
 * running server through the management API with an administrator's credentials from the
 * environment; a push is refused while on; wrong or missing credentials exit 1 with the reason.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readonlyCommand } from '../../src/cli/readonly.js';
import { tempDir } from '../helpers/accounts.js';
import { startBerthProcess, type BerthProcess } from '../helpers/berth-process.js';
import { runCommand } from '../helpers/cli.js';

/** Run the command with `env` added to process.env; its exit code and output. */
async function run(env: Record<string, string | undefined>, ...args: string[]) {
  const savedEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await runCommand(readonlyCommand, ...args);
  } finally {
    process.env = savedEnv;
  }
}

describe('berth readonly', () => {
  let berth: BerthProcess;
  const admin = { BERTH_USER: 'admin', BERTH_PASSWORD: 'cli-admin-password', BERTH_TOKEN: undefined };
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir('berth-readonly-');
    berth = await startBerthProcess({
      BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY: tmp.dir,
      BERTH_AUTH_ACCOUNTS: 'true',
      BERTH_ADMIN_PASSWORD: 'cli-admin-password',
    });
  });
  after(async () => {
    await berth?.stop();
    await tmp?.remove();
  });

  it('on, status, off: the running server switches, and a push is refused while on', async () => {
    const on = await run(admin, 'on', '--url', berth.url);
    assert.equal(on.code, 0, on.err);
    assert.match(on.out, /^read-only mode on \(since .*, by api:admin\)\n$/);
    const status = await run(admin, 'status', '--url', berth.url);
    assert.match(status.out, /^read-only mode on/);
    // A real write is refused by the server itself (anonymous push to the token-protected registry needs a token first).
    const token = await fetch(`${berth.url}/token?scope=repository:library/x:pull,push`, {
      headers: { Authorization: `Basic ${Buffer.from('admin:cli-admin-password').toString('base64')}` },
    }).then((r) => r.json() as Promise<{ token: string }>);
    const push = await fetch(`${berth.url}/v2/library/x/blobs/uploads/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token.token}` },
    });
    assert.equal(push.status, 403);
    assert.match(await push.text(), /read-only mode/);
    const off = await run(admin, 'off', '--url', berth.url);
    assert.equal(off.code, 0, off.err);
    assert.match(off.out, /^read-only mode off/);
    const again = await fetch(`${berth.url}/v2/library/x/blobs/uploads/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token.token}` },
    });
    assert.equal(again.status, 202);
  });

  it('wrong credentials or none: exit 1 with the server’s reason; nothing switched', async () => {
    const wrong = await run({ ...admin, BERTH_PASSWORD: 'wrong-password' }, 'on', '--url', berth.url);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /401: incorrect username or password/);
    const none = await run({ BERTH_USER: undefined, BERTH_PASSWORD: undefined, BERTH_TOKEN: undefined }, 'on', '--url', berth.url);
    assert.equal(none.code, 1);
    assert.match(none.err, /401: authentication required/);
    assert.match((await run(admin, 'status', '--url', berth.url)).out, /^read-only mode off/);
  });

  it('an unknown verb is a usage error; an unreachable server exits 1 saying so', async () => {
    await assert.rejects(run(admin, 'maybe', '--url', berth.url), /expected: berth readonly on\|off\|status/);
    const down = await run(admin, 'status', '--url', 'http://127.0.0.1:1');
    assert.equal(down.code, 1);
    assert.match(down.err, /unreachable/);
  });
});
