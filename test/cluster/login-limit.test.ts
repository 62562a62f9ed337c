/**
 * The failed-login limit under http.workers: 2 as a real process (accounts, then htpasswd): failures
 * through one worker count in the other (each is passed on through the primary), so a client
 * that opens a new connection per attempt, landing on alternate workers, is refused after
 * `auth.ratelimit.attempts` in all, not that many per worker. Storage plays no part: disk only.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BerthProcess } from '../helpers/berth-process.js';
import { hash } from '../helpers/auth.js';
import { fresh } from '../helpers/fresh-http.js';
import { startWorkers } from '../helpers/workers.js';

const ATTEMPTS = 3;
const wrong = { Authorization: `Basic ${Buffer.from('admin:not-the-password').toString('base64')}` };

/** The pids of the workers that logged a failed login since `from` (an offset in stderr). */
function failedLoginPids(berth: BerthProcess, from: number): Set<number> {
  const lines = berth.stderr().slice(from).split('\n');
  return new Set(lines.filter((l) => l.includes('"msg":"failed login"')).map((l) => (JSON.parse(l) as { pid: number }).pid));
}

/** `ATTEMPTS` failed logins on `path`, then two more (one on each worker) that are refused. */
async function limited(berth: BerthProcess, path: string): Promise<void> {
  const from = berth.stderr().length;
  for (let i = 0; i < ATTEMPTS; i++) {
    const res = await fresh(berth.url, 'GET', path, wrong);
    assert.equal(res.status, 401, `failure ${i + 1}: ${res.body.toString()}`);
  }
  assert.equal(failedLoginPids(berth, from).size, 2, 'the failures landed on both workers');
  for (const k of [ATTEMPTS + 1, ATTEMPTS + 2]) {
    const res = await fresh(berth.url, 'GET', path, wrong);
    assert.equal(res.status, 429, `attempt ${k}: ${res.body.toString()}`);
    assert.ok(Number(res.headers['retry-after']) > 0, `attempt ${k}: Retry-After`);
  }
}

describe('http.workers: 2 with accounts: the failed-login limit holds across the workers', { timeout: 120_000 }, () => {
  let dir: string;
  let berth: BerthProcess;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-login-limit-'));
    const auth = { accounts: true, ratelimit: { attempts: ATTEMPTS, window: 60 } };
    berth = await startWorkers(dir, { filesystem: { rootdirectory: join(dir, 'data') } }, { auth });
  });
  after(async () => {
    await berth?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('logins at the token server: refused after 3 in all, on both workers', async () => {
    await limited(berth, '/token?service=berth&scope=repository:library/app:pull');
  });

  it('logins at the management API (a limiter of its own, as in one process): refused after 3 in all', async () => {
    await limited(berth, '/api/v1/session');
  });
});

describe('http.workers: 2 with htpasswd: the failed-login limit holds across the workers', { timeout: 120_000 }, () => {
  let dir: string;
  let berth: BerthProcess;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-login-limit-'));
    const path = join(dir, 'htpasswd');
    await writeFile(path, `admin:${hash('the-password')}\n`);
    const auth = { htpasswd: { realm: 'berth', path }, ratelimit: { attempts: ATTEMPTS, window: 60 } };
    berth = await startWorkers(dir, { filesystem: { rootdirectory: join(dir, 'data') } }, { auth });
  });
  after(async () => {
    await berth?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('Basic logins on GET /v2/: refused after 3 in all, on both workers', async () => {
    await limited(berth, '/v2/');
  });
});
