/**
 * The resources' JSON shapes, shared by several routes (and named once in the OpenAPI
 * document), with the functions that turn the services' records into them.
 */
import { z } from 'zod';
import type { Principal } from '../admin/principal.js';
import { REPOSITORY_ACTIONS, ROLES } from '../admin/roles.js';
import type { Member, Project } from '../db/projects.js';
import type { Robot } from '../db/robots.js';
import type { User } from '../db/users.js';

/** An ISO 8601 time. */
export const time = z.string().describe('ISO 8601 time');

/** A user as the API shows it (never its password hash). */
export const userSchema = z.object({
  name: z.string(),
  admin: z.boolean(),
  disabled: z.boolean(),
  createdAt: time,
});

/** The user record as shown. */
export const showUser = (u: User): z.input<typeof userSchema> => ({
  name: u.name,
  admin: u.admin,
  disabled: u.disabled,
  createdAt: u.createdAt.toISOString(),
});

/** A project role, as stored. */
export const roleSchema = z.enum(ROLES);
/** A registry action robots may hold. */
export const repositoryActionSchema = z.enum(REPOSITORY_ACTIONS);

/** What the caller may do on a project (the UI hides what the server would refuse). */
export const projectPermissionsSchema = z.array(z.enum(['pull', 'push', 'delete', 'admin']));

/** A project as listed. */
export const projectSchema = z.object({
  name: z.string(),
  public: z.boolean(),
  repositoryCount: z.number().int(),
  /** Bytes of its blobs; null while the artifact index has not measured it. */
  storageBytes: z.number().int().nullable(),
  /** Null with auth off: projects are then derived from the artifact index and have no creation record. */
  createdAt: time.nullable(),
  /** The caller's role, when a member. */
  role: roleSchema.nullable(),
  permissions: projectPermissionsSchema,
});

/** A member of a project. */
export const memberSchema = z.object({ user: z.string(), role: roleSchema, createdAt: time });

/** The member record as shown. */
export const showMember = (m: Member): z.input<typeof memberSchema> => ({
  user: m.userName,
  role: m.role as z.input<typeof roleSchema>,
  createdAt: m.createdAt.toISOString(),
});

/** What a robot may do in one project (`*`: every project). */
export const robotPermissionSchema = z.object({
  project: z.string().min(1).describe('a project name, or * for every project (system robots)'),
  actions: z.array(repositoryActionSchema).min(1),
});

/** A robot account as shown (never its secret). */
export const robotSchema = z.object({
  id: z.number().int(),
  /** The full login name (robot+project+name or robot+name). */
  name: z.string(),
  /** Its project; null for a system robot. */
  project: z.string().nullable(),
  description: z.string(),
  permissions: z.array(robotPermissionSchema),
  disabled: z.boolean(),
  expiresAt: time.nullable(),
  expired: z.boolean(),
  createdAt: time,
});

/** The robot record as shown (`project`: its project's name, null for a system robot). */
export const showRobot = (r: Robot, project: string | null): z.input<typeof robotSchema> => ({
  id: r.id,
  name: r.name,
  project,
  description: r.description,
  permissions: r.permissions.map((p) => ({ project: p.namespace, actions: p.actions as z.input<typeof repositoryActionSchema>[] })),
  disabled: r.disabled,
  expiresAt: r.expiresAt?.toISOString() ?? null,
  expired: r.expiresAt !== null && r.expiresAt.getTime() <= Date.now(),
  createdAt: r.createdAt.toISOString(),
});

/** Who is calling, as /me and /session show it. */
export const principalSchema = z.object({
  kind: z.enum(['user', 'robot']),
  name: z.string(),
  admin: z.boolean(),
});

/** The principal as shown. */
export const showPrincipal = (p: Principal): z.input<typeof principalSchema> => ({
  kind: p.kind,
  name: p.name,
  admin: p.kind === 'user' && p.admin,
});

/** A project name in a path. */
export const projectParams = z.object({ project: z.string().min(1) });

/** The project record's common fields, before usage and the caller's rights are added. */
export type ProjectBase = Pick<Project, 'name' | 'public' | 'createdAt'>;
