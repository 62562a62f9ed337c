/** Fixtures for the auth suites: a development PKI, a token-auth app, tokens and Basic headers. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import type { App } from '../../src/http/app.js';
import request from 'supertest';
import { makeDevCerts, type DevCerts } from '../../src/tls/dev-certs.js';
import { after, before } from 'node:test';
import { makeApp, type TestApp } from './app.js';

/** A temporary folder holding a fresh development PKI. */
export interface Pki extends DevCerts {
  dir: string;
  cleanup(): Promise<void>;
}

/** Make a development PKI for 127.0.0.1 and localhost in a temp folder. */
export async function makePki(hosts = ['localhost', '127.0.0.1']): Promise<Pki> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-pki-'));
  const paths = await makeDevCerts({ dir, hosts });
  return { ...paths, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Cheap bcrypt hashes (cost 4) for test users. */
export const hash = (password: string): string => bcrypt.hashSync(password, 4);

/** Passwords of the users in tokenAuthConfig. */
export const PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret', admin: 'admin-secret' } as const;

/** A token-auth section with the built-in server: alice (dev) pushes dev/**, bob pulls dev/**, admin does all. */
export function tokenAuthConfig(pki: Pki, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    token: {
      service: 'berth-test',
      issuer: 'berth-test-issuer',
      server: {
        key: pki.tokenKey,
        users: {
          alice: { password: hash(PASSWORDS.alice), groups: ['dev'] },
          bob: { password: hash(PASSWORDS.bob) },
          admin: { password: hash(PASSWORDS.admin) },
        },
        rules: [
          { repositories: ['dev/**'], groups: ['dev'], actions: ['pull', 'push'] },
          { repositories: ['dev/**'], users: ['bob'], actions: ['pull'] },
          { repositories: ['**'], users: ['admin'], actions: ['*'], catalog: true },
        ],
        anonymous: ['public/*'],
      },
    },
    ...extra,
  };
}

/** An app with token auth over the memory driver. */
export async function makeTokenApp(pki: Pki, auth: Record<string, unknown> = {}): Promise<TestApp> {
  return makeApp('memory', { auth: tokenAuthConfig(pki, auth) });
}

/** A Basic Authorization header value. */
export const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** GET /token for `scopes` as `user` (anonymous when undefined); asserts 200, returns the body. */
export async function fetchToken(
  app: App,
  scopes: string[],
  user?: keyof typeof PASSWORDS,
): Promise<{ token: string; access_token: string; expires_in: number; scope: string; refresh_token?: string }> {
  const q = new URLSearchParams([['service', 'berth-test'], ...scopes.map((s) => ['scope', s])]);
  const req = request(app).get(`/token?${q.toString()}`);
  if (user) req.set('Authorization', basic(user, PASSWORDS[user]));
  const res = await req;
  assert.equal(res.status, 200, `token request failed: ${res.status} ${res.text}`);
  return res.body;
}

/** The decoded payload of a JWT (no verification). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A bearer Authorization header value. */
export const bearer = (token: string): string => `Bearer ${token}`;

/** Registers before/after hooks making a PKI and a token app for the enclosing suite. */
export function tokenAppFixture(): { readonly t: TestApp; readonly pki: Pki } {
  const state = {} as { t: TestApp; pki: Pki };
  before(async () => {
    state.pki = await makePki();
    state.t = await makeTokenApp(state.pki);
  });
  after(async () => {
    await state.t.cleanup();
    await state.pki.cleanup();
  });
  return state;
}
