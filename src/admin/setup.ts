/**
 * Assembling the management layer: the services over the database, and what the server plugs
 * in (the token server's accounts policy and authenticator, the catalog's visibility). Used by
 * `berth serve` (createManagement) and by the CLI (createServices).
 */
import type { Auth } from '../auth/setup.js';
import { createAuth } from '../auth/setup.js';
import { createPasswordChecker, type PasswordChecker } from '../auth/passwords.js';
import { configPolicy, unionPolicy } from '../auth/policy.js';
import type { Config } from '../config/schema.js';
import { openDatabase, type Database } from '../db/database.js';
import { createStores, type Stores } from '../db/stores.js';
import type { Logger } from '../log.js';
import type { Registry } from '../registry/registry.js';
import { AccountService } from './accounts.js';
import { Authorizer } from './authorizer.js';
import { bootstrap } from './bootstrap.js';
import { CredentialService } from './credentials.js';
import { ProjectService } from './projects.js';
import { RobotService } from './robots.js';
import { newSecretKey } from './secrets.js';
import { storedSigningKey } from './signing-key.js';
import { accountsAuth } from './token-policy.js';
import { accountsVisibility } from './visibility.js';
import type { Visibility } from '../auth/controller.js';
import { AuditLog } from './audit-log.js';
import { Indexer } from './indexer.js';
import { rebuildIndex } from './index-rebuild.js';

/** The management services over one database. */
export interface AdminServices {
  database: Database;
  stores: Stores;
  passwords: PasswordChecker;
  accounts: AccountService;
  projects: ProjectService;
  robots: RobotService;
  authorizer: Authorizer;
  credentials: CredentialService;
}

/** Options of createServices. */
export interface ServiceOptions {
  /** bcrypt cost of new password hashes (tests use 4). */
  bcryptCost?: number;
  passwords?: PasswordChecker;
}

/** The services over an open (migrated) database. */
export async function createServices(
  database: Database,
  config: Pick<Config, 'projects'>,
  opts: ServiceOptions = {},
): Promise<AdminServices> {
  const stores = createStores(database);
  const passwords = opts.passwords ?? createPasswordChecker();
  const accounts = new AccountService(stores, passwords, opts.bcryptCost);
  const projects = new ProjectService(stores);
  const robots = new RobotService(stores, await stores.settings.setIfAbsent('robots.secretkey', newSecretKey()));
  const authorizer = new Authorizer(stores, projects, { autocreate: config.projects.autocreate });
  const credentials = new CredentialService(stores, accounts, robots, passwords);
  return { database, stores, passwords, accounts, projects, robots, authorizer, credentials };
}

/** What `berth serve` plugs into the app. */
export interface Management {
  services: AdminServices;
  /** Keeps the artifact index in step with storage (listening on the registry's events). */
  indexer: Indexer;
  /** Writes the audit log (listening on the registry's events). */
  audit: AuditLog;
  /** Settles when the first start's index rebuild (over content already stored) is done. */
  indexed: Promise<void>;
  /** The access controller and token router (createApp's `auth`). */
  auth: Auth;
  /** Filters listings by what the caller may pull (accounts on only). */
  visibility?: Visibility;
  close(): Promise<void>;
}

/** Options of createManagement. */
export interface ManagementOptions extends ServiceOptions {
  config: Config;
  log: Logger;
  registry: Registry;
  /** An open database (tests); default: the one `config` names, opened and migrated here. */
  database?: Database;
  /** Where BERTH_ADMIN_PASSWORD is read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds between batch writes of pulls to the index and of audit entries (tests shorten them). */
  flushMs?: { pulls?: number; audit?: number };
}

/** The settings key saying the index was built from storage once (the first start's rebuild). */
export const INDEX_BUILT = 'index.built';

/** The index and audit listeners over the registry's events, and the first start's rebuild. */
function listeners(opts: ManagementOptions, services: AdminServices) {
  const { registry, log } = opts;
  const indexer = new Indexer(registry, services.stores.index, log, { pullFlushMs: opts.flushMs?.pulls });
  const audit = new AuditLog(registry.events, services.stores.audit, log, { flushMs: opts.flushMs?.audit });
  // Over a folder or bucket that already holds content, the index starts empty: fill it from
  // storage once, in the background (the indexer's queue keeps pushes meanwhile in order).
  const indexed = (async () => {
    if ((await services.stores.settings.get(INDEX_BUILT)) !== undefined) return;
    await rebuildIndex(registry, services.stores.index, log, indexer);
    await services.stores.settings.set(INDEX_BUILT, new Date().toISOString());
  })().catch((err: unknown) => log.error('index rebuild failed', { error: err instanceof Error ? err.message : String(err) }));
  const close = async () => {
    await indexed;
    await indexer.close();
    await audit.close();
  };
  return { indexer, audit, indexed, close };
}

/** Open the database, build the services, and the auth that consults them. */
export async function createManagement(opts: ManagementOptions): Promise<Management> {
  const { config, log } = opts;
  const database = opts.database ?? (await openDatabase(config));
  try {
    const services = await createServices(database, config, opts);
    const heard = listeners(opts, services);
    const close = async () => {
      await heard.close();
      await database.close();
    };
    const { indexer, audit, indexed } = heard;
    const server = config.auth.token?.server;
    const signingKey = server && !server.key ? await storedSigningKey(services.stores.settings) : undefined;
    if (!config.auth.token && !config.auth.htpasswd) {
      log.warn(
        'authentication is off: anyone who reaches this port may push, pull and delete (turn accounts on with BERTH_AUTH_ACCOUNTS=true)',
      );
    }
    if (!server?.accounts) {
      const auth = createAuth(config, log, { signingKey, passwords: services.passwords, events: opts.registry.events });
      return { services, auth, indexer, audit, indexed, close };
    }
    await bootstrap(services, {
      adminPassword: (opts.env ?? process.env)['BERTH_ADMIN_PASSWORD'],
      repositories: () => opts.registry.catalog.all(),
      log,
    });
    const fromConfig = configPolicy(server);
    const accounts = accountsAuth(services.credentials, services.authorizer);
    const auth = createAuth(config, log, {
      signingKey,
      passwords: services.passwords,
      events: opts.registry.events,
      authenticator: accounts.authenticator,
      policy: unionPolicy(fromConfig, accounts.policy),
    });
    const visibility = accountsVisibility(services.authorizer, services.credentials, { policy: fromConfig, server });
    log.info('accounts on', { database: database.dialect, location: database.location });
    return { services, auth, visibility, indexer, audit, indexed, close };
  } catch (err) {
    if (!opts.database) await database.close();
    throw err;
  }
}
