/**
 * What the registry announces after storage has committed. Listeners (the artifact index,
 * the audit log, metrics, webhooks) subscribe on the bus; nothing that must be able to refuse
 * a write listens here (that is a guard the registry calls before it commits).
 */

/** Who caused an event: the authenticated account (if any), the client address, the request. */
export interface Origin {
  /** Account name as authenticated (user or robot); undefined for anonymous requests. */
  actor?: string;
  /** What kind of account `actor` is, when the access controller knows. */
  actorKind?: 'user' | 'robot' | 'system';
  /** Client address (the peer, or X-Forwarded-For from a trusted proxy). */
  address?: string;
  /** X-Request-Id of the request that caused the event. */
  requestId?: string;
}

/** Every event, by its name. Digests are full `alg:hex` strings. */
export interface RegistryEvents {
  /** A manifest was stored and linked into a repository (and tagged, when `tags` is not empty). */
  'manifest.pushed': { repository: string; digest: string; mediaType: string; size: number; tags: string[]; subject?: string };
  /** A client fetched a manifest's body (GET, not HEAD). */
  'manifest.pulled': { repository: string; digest: string; mediaType: string; tag?: string };
  /** A manifest revision was removed from a repository, with the tags that pointed at it. */
  'manifest.deleted': { repository: string; digest: string; tags: string[] };
  /** A tag was removed (the manifest it pointed at stays). */
  'tag.deleted': { repository: string; tag: string; digest?: string };
  /** An upload completed: the blob is stored and linked into the repository. */
  'blob.pushed': { repository: string; digest: string; size: number };
  /** A blob another repository holds was linked into this one. */
  'blob.mounted': { repository: string; from?: string; digest: string; size: number };
  /** A client fetched a blob's bytes (GET, not HEAD). */
  'blob.pulled': { repository: string; digest: string; size: number };
  /** A blob link was removed from a repository (the content stays until garbage collection). */
  'blob.deleted': { repository: string; digest: string };
  /** A whole repository was removed (its tags and manifests; blobs wait for garbage collection). */
  'repository.deleted': { repository: string; tags: string[]; manifests: number };
  /** The token server accepted a login (a password or secret, or docker's refresh token); origin names who. */
  'login.succeeded': { grant: 'password' | 'refresh_token' };
  /** The token server refused a login; `user` is the name given (absent for a refresh token). */
  'login.failed': { grant: 'password' | 'refresh_token'; user?: string; reason: string };
  /** The token server issued an access token granting `access` (scope strings; empty for none). */
  'token.issued': { access: string[] };
  /**
   * A management API call changed something (a user, project, member, robot, a setting): the
   * route (`operation`, e.g. `postProjectsProjectMembers`; `method` and `route`, the path
   * template), the `path` called, its `project` when it names one, and the answer's status.
   * Never a body: passwords and secrets stay out of the audit log.
   */
  'management.changed': { operation: string; method: string; route: string; path: string; project?: string; status: number };
}

/** An event name. */
export type EventName = keyof RegistryEvents;

/** One announced event: its name, payload, origin and time. */
export type RegistryEvent<K extends EventName = EventName> = {
  [N in K]: { type: N; data: RegistryEvents[N]; origin: Origin; at: Date };
}[K];
