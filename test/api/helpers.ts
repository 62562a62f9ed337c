/** Helpers of the management API tests: sign-in, credentials, error assertions. */
import assert from 'node:assert/strict';
import type { Response } from 'supertest';
import request from 'supertest';
import { hashSecret } from '../../src/api/session-cookie.js';
import type { App } from '../../src/http/app.js';
import { ADMIN_PASSWORD } from '../helpers/accounts.js';

/** A signed-in session: the Cookie header to send, the CSRF token, the stored hash. */
export interface SignedIn {
  cookie: string;
  csrfToken: string;
  idHash: string;
}

/** Sign in through POST /api/v1/session (asserts 201). */
export async function signIn(app: App, username: string, password: string): Promise<SignedIn> {
  const res = await request(app).post('/api/v1/session').send({ username, password });
  assert.equal(res.status, 201, `sign-in failed: ${res.status} ${res.text}`);
  const set = String(res.headers['set-cookie']);
  const value = /berth_session=([^;]+)/.exec(set)![1]!;
  return { cookie: `berth_session=${value}`, csrfToken: res.body.csrfToken as string, idHash: hashSecret(value) };
}

/** Assert the one error shape with `status` and `code` (and a message matching `message`). */
export function assertError(res: Response, status: number, code: string, message?: RegExp): void {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${res.text}`);
  assert.equal(res.body?.error?.code, code, res.text);
  assert.equal(typeof res.body.error.message, 'string');
  if (message) assert.match(res.body.error.message, message);
}

/** Basic credentials of the first administrator of makeAccountsApp. */
export const ADMIN = { user: 'admin', password: ADMIN_PASSWORD } as const;

/** A supertest agent-like caller with Basic credentials: `as(app, creds).get(path)`. */
export function as(app: App, creds?: { user: string; password: string }) {
  const auth = creds ? `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}` : undefined;
  const wrap = (t: request.Test) => (auth ? t.set('Authorization', auth) : t);
  const r = request(app);
  return {
    get: (path: string) => wrap(r.get(`/api/v1${path}`)),
    post: (path: string) => wrap(r.post(`/api/v1${path}`)),
    put: (path: string) => wrap(r.put(`/api/v1${path}`)),
    patch: (path: string) => wrap(r.patch(`/api/v1${path}`)),
    delete: (path: string) => wrap(r.delete(`/api/v1${path}`)),
  };
}
