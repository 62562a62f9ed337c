/** Every store over one database, and transactions spanning them. */
import { auditStore, type AuditStore } from './audit-store.js';
import type { Database } from './database.js';
import { indexStore, type IndexStore } from './index-store.js';
import { projectStore, type ProjectStore } from './projects.js';
import { robotStore, type RobotStore } from './robots.js';
import { sessionStore, type SessionStore } from './sessions.js';
import { settingsStore, type SettingsStore } from './settings.js';
import type { Db } from './tables.js';
import { userStore, type UserStore } from './users.js';

/** One store per aggregate. */
export interface Stores {
  users: UserStore;
  projects: ProjectStore;
  robots: RobotStore;
  settings: SettingsStore;
  /** The index of what storage holds. */
  index: IndexStore;
  audit: AuditStore;
  sessions: SessionStore;
  /** Run `fn` with stores whose statements form one transaction (committed when fn resolves). */
  transaction<T>(fn: (tx: Stores) => Promise<T>): Promise<T>;
}

function storesOver(db: Db): Stores {
  return {
    users: userStore(db),
    projects: projectStore(db),
    robots: robotStore(db),
    settings: settingsStore(db),
    index: indexStore(db),
    audit: auditStore(db),
    sessions: sessionStore(db),
    transaction: (fn) => (db.isTransaction ? fn(storesOver(db)) : db.transaction().execute((tx) => fn(storesOver(tx)))),
  };
}

/** The stores of `db`. */
export function createStores(db: Database): Stores {
  return storesOver(db.kysely);
}
