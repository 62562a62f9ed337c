/**
 * Accounts setup for the auth scenario, through the same doors a user and docker use: the
 * management API with the first administrator's Basic credentials (a project and a robot),
 * the `/v2/` challenge for the token realm and service, and `GET /token` with Basic robot
 * credentials for a bearer token.
 */
import type { Client } from './client.js';
import { CheckError, expectStatus } from './verify.js';

/** Where docker asks for tokens, as the `/v2/` challenge names it. */
export interface TokenRealm {
  /** Path of the realm on the target (the client only talks to the target). */
  path: string;
  service: string;
}

/** A robot account and its secret (shown once at creation). */
export interface Robot {
  name: string;
  secret: string;
}

/** `Basic` header value for a user or robot. */
export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** GET /v2/ anonymously and read the Bearer challenge's realm and service, as docker does. */
export async function tokenRealm(c: Client): Promise<TokenRealm> {
  const res = await c.send({ method: 'GET', path: '/v2/' });
  expectStatus(res, 401, 'anonymous GET /v2/');
  const raw = res.headers['www-authenticate'];
  const header = Array.isArray(raw) ? raw.join(', ') : (raw ?? '');
  const realm = /Bearer realm="([^"]+)"/.exec(header)?.[1];
  const service = /service="([^"]+)"/.exec(header)?.[1];
  if (!realm || !service) throw new CheckError(`GET /v2/: no Bearer realm and service in ${JSON.stringify(header)}`);
  return { path: new URL(realm, c.base).pathname, service };
}

async function postJson(c: Client, path: string, auth: string, body: unknown, what: string): Promise<unknown> {
  const res = await c.send({
    method: 'POST',
    path,
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: Buffer.from(JSON.stringify(body)),
  });
  expectStatus(res, 201, what);
  return JSON.parse(res.body.toString('utf8')) as unknown;
}

/** Create `project` and a robot with pull and push in it, as the administrator through /api/v1. */
export async function createProjectRobot(c: Client, adminPassword: string, project: string, robot: string): Promise<Robot> {
  const admin = basic('admin', adminPassword);
  await postJson(c, '/api/v1/projects', admin, { name: project }, 'create project');
  const out = (await postJson(
    c,
    `/api/v1/projects/${project}/robots`,
    admin,
    { name: robot, actions: ['pull', 'push'] },
    'create robot',
  )) as {
    robot?: { name?: string };
    secret?: string;
  };
  if (!out.robot?.name || !out.secret) throw new CheckError(`create robot: no name or secret in ${JSON.stringify(out)}`);
  return { name: out.robot.name, secret: out.secret };
}

/** The `/token` path with docker's query: the service and one scope per repository (pull,push). */
export function tokenPath(realm: TokenRealm, repos: readonly string[]): string {
  const q = new URLSearchParams({ service: realm.service });
  for (const r of repos) q.append('scope', `repository:${r}:pull,push`);
  return `${realm.path}?${q.toString()}`;
}

/** One robot login at the token endpoint: GET `path` with Basic credentials; returns the token. */
export async function fetchToken(c: Client, path: string, robot: Robot): Promise<string> {
  const res = await c.send({ method: 'GET', path, headers: { Authorization: basic(robot.name, robot.secret) } });
  expectStatus(res, 200, 'GET /token');
  const token = (JSON.parse(res.body.toString('utf8')) as { token?: unknown }).token;
  if (typeof token !== 'string' || token.split('.').length !== 3) throw new CheckError('GET /token: the answer holds no JWT');
  return token;
}
