/**
 * auth: what token auth with accounts costs on the hot path. Berth is started twice more, both
 * with http.workers 1 on fresh folders so the two compare like for like: (a) auth off, (b)
 * accounts on (SQLite database in its data folder, a project and a pull+push robot made through
 * /api/v1). On each, head-blob and manifest-get run exactly as their own scenarios (same load
 * generator and concurrency); on (b) every request carries the robot's bearer token, fetched
 * from /token as docker does. Rows: each rate with auth off and with the token, their ratio
 * (target >= 0.8: no database query per request), and the token endpoint's rate for robot
 * logins (each request a fresh Basic login). Distribution (no auth) runs head-blob and
 * manifest-get once as the reference, shown on the off and token rows.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createProjectRobot, fetchToken, tokenPath, tokenRealm, type Robot, type TokenRealm } from '../accounts.js';
import { treeCpuSeconds } from '../cpu.js';
import { startBerth, type Target } from '../servers.js';
import { timedRate, withClient } from './common.js';
import { HEAD_REPO, headBlob } from './head.js';
import { IMAGE_REPO, manifestGet } from './manifests.js';
import type { Ctx, Measure, Scenario } from './types.js';
import { emptyMeasure } from './types.js';

const PARTS = [headBlob, manifestGet];
const REPOS = [HEAD_REPO, IMAGE_REPO];
const PROJECT = 'bench';
const MODES = ['off', 'token'] as const;
type Mode = (typeof MODES)[number];

const rateRow = (part: string, mode: Mode) => `auth ${part} ${mode} w1`;
const ratioRow = (part: string) => `auth ${part} token/off`;
const RATIO_UNIT = 'x (target >= 0.8)';
const LOGIN_ROW = { row: 'auth token robot-login w1', unit: 'tokens/s' };

/** Run `op` and stamp its measures with the CPU ms per operation of `t`'s processes. */
async function withCpu(t: Target, op: () => Promise<Measure[]>): Promise<Measure[]> {
  const before = treeCpuSeconds(t.pid);
  const ms = await op();
  const cpu = treeCpuSeconds(t.pid) - before;
  const ops = ms.reduce((n, m) => n + (m.ops ?? 0), 0);
  return ms.map((m) => ({ ...m, cpuMsPerOp: ops > 0 ? (cpu * 1000) / ops : NaN }));
}

/** head-blob and manifest-get on `t`, one Measure each (prepare untimed); `auth` refreshes a token per part. */
async function measureParts(t: Target, ctx: Ctx, auth?: () => Promise<Record<string, string>>): Promise<Measure[]> {
  const out: Measure[] = [];
  for (const part of PARTS) {
    const spec = part.rows[0]!;
    try {
      const target = auth ? { ...t, headers: await auth() } : t;
      await part.prepare?.(target, ctx);
      const ms = await withCpu(t, () => part.run(target, ctx));
      out.push(ms.find((m) => m.row === spec.row) ?? emptyMeasure(spec, 1, ['row not reported']));
    } catch (err) {
      out.push(emptyMeasure(spec, 1, [`${spec.row}: ${(err as Error).message}`]));
    }
  }
  return out;
}

/** The token endpoint's rate: GET /token with Basic robot credentials, each one a fresh login. */
function measureLogins(t: Target, ctx: Ctx, realm: TokenRealm, robot: Robot): Promise<Measure[]> {
  const path = tokenPath(realm, [HEAD_REPO]);
  return withCpu(t, () =>
    timedRate(t, ctx, LOGIN_ROW, 1_000_000, async (c) => {
      await fetchToken(c, path, robot);
    }),
  );
}

/** Berth with accounts: first administrator, project, robot; then the token rows. */
async function measureToken(ctx: Ctx): Promise<Measure[]> {
  const password = randomBytes(12).toString('hex');
  const env = { BERTH_AUTH_ACCOUNTS: 'true', BERTH_ADMIN_PASSWORD: password };
  const berth = await startBerth(ctx.repoRoot, join(ctx.workDir, 'berth-auth-token'), 1, env);
  try {
    ctx.log(`auth: Berth with accounts (SQLite), 1 worker, pid ${berth.pid}`);
    const { realm, robot } = await withClient(berth, 1, async (c) => ({
      realm: await tokenRealm(c),
      robot: await createProjectRobot(c, password, PROJECT, 'bench'),
    }));
    const path = tokenPath(realm, REPOS);
    const bearer = async () => ({ Authorization: `Bearer ${await withClient(berth, 1, (c) => fetchToken(c, path, robot))}` });
    const parts = await measureParts(berth, ctx, bearer);
    return [...parts, ...(await measureLogins(berth, ctx, realm, robot))];
  } finally {
    await berth.stop();
  }
}

async function measureOff(ctx: Ctx): Promise<Measure[]> {
  const berth = await startBerth(ctx.repoRoot, join(ctx.workDir, 'berth-auth-off'), 1);
  try {
    ctx.log(`auth: Berth without auth, 1 worker, pid ${berth.pid}`);
    return await measureParts(berth, ctx);
  } finally {
    await berth.stop();
  }
}

/** token/off of one part: a Measure whose value is the ratio (NaN when either side is missing). */
function ratio(part: string, off: Measure, token: Measure): Measure {
  const value = off.value > 0 && Number.isFinite(token.value) ? token.value / off.value : NaN;
  return { row: ratioRow(part), unit: RATIO_UNIT, value, errors: 0, errorSamples: [], cpuMsPerOp: NaN };
}

const notApplicable = (row: { row: string; unit: string }, why: string): Measure => ({ ...emptyMeasure(row, 0, [], why), cpuMsPerOp: NaN });

/** The auth rows (see the file comment). */
export const authScenario: Scenario = {
  name: 'auth',
  rows: [
    ...PARTS.flatMap((p) => {
      const { row, unit } = p.rows[0]!;
      return [...MODES.map((m) => ({ row: rateRow(row, m), unit })), { row: ratioRow(row), unit: RATIO_UNIT }];
    }),
    LOGIN_ROW,
  ],
  run: async (t, ctx) => {
    if (t.side === 'distribution') {
      const once = await measureParts(t, ctx);
      return [
        ...once.flatMap((m) => [
          ...MODES.map((mode) => ({ ...m, row: rateRow(m.row, mode) })),
          notApplicable({ row: ratioRow(m.row), unit: RATIO_UNIT }, 'n/a (Berth only)'),
        ]),
        notApplicable(LOGIN_ROW, 'n/a (no token server)'),
      ];
    }
    const off = await measureOff(ctx);
    const token = await measureToken(ctx);
    const out: Measure[] = [];
    for (const [i, o] of off.entries()) {
      const part = PARTS[i]!.rows[0]!.row;
      const k = token[i]!;
      out.push({ ...o, row: rateRow(part, 'off') }, { ...k, row: rateRow(part, 'token') }, ratio(part, o, k));
      ctx.log(`auth: ${part} token/off = ${ratio(part, o, k).value.toFixed(2)} (target >= 0.8)`);
    }
    out.push(...token.slice(off.length));
    return out;
  },
};
