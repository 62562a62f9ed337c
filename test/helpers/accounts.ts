/** An app with accounts on (SQLite in memory unless told), its services, its log, and token helpers. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { PasswordChecker } from '../../src/auth/passwords.js';
import { createManagement, type AdminServices, type Management } from '../../src/admin/setup.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { openDatabase } from '../../src/db/database.js';
import { createApp, type App } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { attachOps, createOps, type Ops } from '../../src/ops/ops.js';
import { createRegistry, registryOptions, type Registry } from '../../src/registry/registry.js';
import { createDriver } from '../../src/storage/factory.js';
import { basic } from './auth.js';

/** The first administrator's password in these apps. */
export const ADMIN_PASSWORD = 'admin-password';

/** An accounts app and what it stands on. */
export interface AccountsApp {
  app: App;
  config: Config;
  registry: Registry;
  services: AdminServices;
  management: Management;
  /** Read-only switch and the rest of the process's operations state. */
  ops: Ops;
  /** SQL of every query run since the app was built. */
  queries: string[];
  /** Log lines (JSON) since the app was built. */
  logs: string[];
  cleanup(): Promise<void>;
}

/** Options of makeAccountsApp. */
export interface AccountsAppOptions {
  /** Merged into the configuration (projects, auth.token ...). */
  raw?: Record<string, unknown>;
  /** Filesystem storage at this root (default: memory). */
  root?: string;
  /** SQLite file (default: memory) or a postgres URL. */
  database?: { sqlite?: string; postgres?: string };
  /** BERTH_ADMIN_PASSWORD (default ADMIN_PASSWORD; null: unset). */
  adminPassword?: string | null;
  /** The password checker (default: the real one, made by the services). */
  passwords?: PasswordChecker;
}

/** Build the real app with accounts on. */
export async function makeAccountsApp(opts: AccountsAppOptions = {}): Promise<AccountsApp> {
  const raw = opts.raw ?? {};
  const rawAuth = (raw['auth'] ?? {}) as Record<string, unknown>;
  const config = parseConfig({
    ...raw,
    storage: opts.root ? { filesystem: { rootdirectory: opts.root } } : { inmemory: {} },
    auth: { accounts: true, ...rawAuth, token: { service: 'berth-test', ...((rawAuth['token'] as object) ?? {}) } },
    database: opts.database?.postgres
      ? { postgres: { url: opts.database.postgres, poolsize: 4 } }
      : { sqlite: { path: opts.database?.sqlite ?? ':memory:' } },
  });
  const queries: string[] = [];
  const logs: string[] = [];
  const log = createLogger('debug', (line) => logs.push(line));
  const driver = createDriver(config.storage);
  const registry = createRegistry(driver, registryOptions(config));
  const database = await openDatabase(config, { onQuery: (q) => queries.push(q) });
  const management = await createManagement({
    config,
    log,
    registry,
    database,
    bcryptCost: 4,
    passwords: opts.passwords,
    env: opts.adminPassword === null ? {} : { BERTH_ADMIN_PASSWORD: opts.adminPassword ?? ADMIN_PASSWORD },
  });
  const ops = createOps(config, log);
  attachOps(ops, config, registry, driver);
  const app = createApp({ config, registry, log, auth: management.auth, visibility: management.visibility, management, ops });
  return { app, config, registry, services: management.services, management, ops, queries, logs, cleanup: () => management.close() };
}

/** A temporary folder removed by the returned function. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** GET /token for `scopes` with Basic credentials (anonymous without); the raw response. */
export function tokenRequest(app: App, scopes: string[], creds?: { user: string; password: string }, extra: Record<string, string> = {}) {
  const q = new URLSearchParams([['service', 'berth-test'], ...scopes.map((s) => ['scope', s]), ...Object.entries(extra)]);
  const req = request(app).get(`/token?${q.toString()}`);
  if (creds) req.set('Authorization', basic(creds.user, creds.password));
  return req;
}

/** A token for `scopes` (asserts 200). */
export async function tokenFor(app: App, scopes: string[], creds?: { user: string; password: string }): Promise<string> {
  const res = await tokenRequest(app, scopes, creds);
  assert.equal(res.status, 200, `token request failed: ${res.status} ${res.text}`);
  return res.body.token as string;
}
