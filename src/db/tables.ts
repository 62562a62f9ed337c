/**
 * The metadata database's tables as Kysely sees them (the migrations in ./migrations create
 * them). Portable column types only: booleans are integers 0/1 and times are milliseconds
 * since the epoch in a bigint, since SQLite has neither a boolean nor a timestamp type and
 * better-sqlite3 binds neither JavaScript booleans nor Dates.
 */
import type { Generated, Kysely, Transaction } from 'kysely';

/** Local accounts. Names are unique; passwords are bcrypt hashes. */
export interface UsersTable {
  id: Generated<number>;
  name: string;
  password_hash: string;
  is_admin: number;
  disabled: number;
  created_at: number;
  updated_at: number;
}

/** Projects: the first path component of repository names. */
export interface ProjectsTable {
  id: Generated<number>;
  name: string;
  is_public: number;
  created_at: number;
  updated_at: number;
}

/** A user's role in a project (one row per pair). */
export interface MembersTable {
  project_id: number;
  user_id: number;
  role: string;
  created_at: number;
}

/** Robot accounts: project robots have project_id, system robots have none. */
export interface RobotsTable {
  id: Generated<number>;
  name: string;
  project_id: number | null;
  description: string;
  secret_hash: string;
  disabled: number;
  /** Milliseconds since the epoch; null = never. */
  expires_at: number | null;
  created_at: number;
  updated_at: number;
}

/** What a robot may do per project: `namespace` is a project name or `*` (every project). */
export interface RobotPermissionsTable {
  robot_id: number;
  namespace: string;
  /** Comma-separated subset of pull,push,delete. */
  actions: string;
}

/** Key/value settings generated once (token signing key, robot secret key, bootstrap marks). */
export interface SettingsTable {
  key: string;
  value: string;
}

/** Repositories storage holds (the index; rebuildable from storage). */
export interface RepositoriesTable {
  id: Generated<number>;
  name: string;
  /** The project the repository belongs to (its first path component). */
  project: string;
  /** From the newest artifact's org.opencontainers.image.description, when given. */
  description: string | null;
  pushed_at: number | null;
  pulled_at: number | null;
}

/** Manifests a repository holds (the index). */
export interface ArtifactsTable {
  id: Generated<number>;
  repository_id: number;
  digest: string;
  media_type: string;
  artifact_type: string | null;
  manifest_size: number;
  /** Config and layers; for an index, its children's sizes. */
  size: number;
  /** JSON array of platforms ("os/arch[/variant]") of an index's children. */
  platforms: string | null;
  subject: string | null;
  description: string | null;
  pushed_at: number;
  pushed_by: string | null;
  pulled_at: number | null;
}

/** Tags of a repository and the digest each points at (the index). */
export interface TagsTable {
  repository_id: number;
  name: string;
  digest: string;
  pushed_at: number;
}

/** The audit log: one row per recorded action. */
export interface AuditTable {
  id: Generated<number>;
  at: number;
  actor: string | null;
  actor_kind: string;
  address: string | null;
  action: string;
  project: string | null;
  resource: string | null;
  outcome: string;
  /** JSON object with what else is worth keeping. */
  detail: string | null;
}

/** Sign-in sessions of the management API (the UI's cookie). */
export interface SessionsTable {
  /** SHA-256 (hex) of the cookie's secret. */
  id_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

/** Every table. */
export interface Tables {
  users: UsersTable;
  projects: ProjectsTable;
  members: MembersTable;
  robots: RobotsTable;
  robot_permissions: RobotPermissionsTable;
  settings: SettingsTable;
  repositories: RepositoriesTable;
  artifacts: ArtifactsTable;
  tags: TagsTable;
  audit: AuditTable;
  sessions: SessionsTable;
}

/** The query builder over the tables, or a transaction on them. */
export type Db = Kysely<Tables> | Transaction<Tables>;
