/** JSON shapes of the index's resources (repositories, artifacts) and of audit entries. */
import { z } from 'zod';
import type { StoredAuditEntry } from '../db/audit-store.js';
import type { Artifact, RepositorySummary } from '../db/index-types.js';
import { projectParams, time } from './schemas.js';

/** A repository: its full name (with the project) and what the index knows about it. */
export const repositorySchema = z.object({
  name: z.string(),
  project: z.string(),
  description: z.string().nullable(),
  artifactCount: z.number().int(),
  sizeBytes: z.number().int().describe('Sum of its images’ config and layer sizes'),
  pushedAt: time.nullable(),
  pulledAt: time.nullable(),
});

/** An artifact (a manifest) of a repository, with its tags. */
export const artifactSchema = z.object({
  digest: z.string(),
  mediaType: z.string(),
  artifactType: z.string().nullable(),
  manifestSize: z.number().int(),
  sizeBytes: z.number().int().describe('Config and layers; for an index, its children’s'),
  platforms: z.array(z.string()).nullable().describe('os/arch[/variant] of an index’s children'),
  subject: z.string().nullable(),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  pushedAt: time,
  pushedBy: z.string().nullable(),
  pulledAt: time.nullable(),
});

/** One artifact with its manifest and (for an image) its config, as JSON. */
export const artifactDetailSchema = artifactSchema.extend({
  manifest: z.unknown(),
  config: z.unknown().nullable().describe('The image config, when it is JSON of at most 1 MiB'),
});

/** An audit entry. */
export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: time,
  actor: z.string().nullable(),
  actorKind: z.enum(['user', 'robot', 'system', 'anonymous']),
  address: z.string().nullable(),
  action: z.string(),
  project: z.string().nullable(),
  resource: z.string().nullable(),
  outcome: z.enum(['success', 'failure']),
  detail: z.record(z.unknown()).nullable(),
});

/** Path of a repository: its full name, URL-encoded (`team%2Fapp`), below its project. */
export const repositoryParams = projectParams.extend({
  repository: z.string().min(1).describe('The full repository name, URL-encoded (team%2Fapp)'),
});

/** Path of an artifact: a digest or a tag. */
export const artifactParams = repositoryParams.extend({ reference: z.string().min(1).describe('A digest or a tag') });

const iso = (d: Date | undefined) => d?.toISOString() ?? null;

/** A repository as the API shows it. */
export const showRepository = (r: RepositorySummary): z.input<typeof repositorySchema> => ({
  name: r.name,
  project: r.project,
  description: r.description ?? null,
  artifactCount: r.artifactCount,
  sizeBytes: r.size,
  pushedAt: iso(r.pushedAt),
  pulledAt: iso(r.pulledAt),
});

/** An artifact as the API shows it. */
export const showArtifact = (a: Artifact): z.input<typeof artifactSchema> => ({
  digest: a.digest,
  mediaType: a.mediaType,
  artifactType: a.artifactType ?? null,
  manifestSize: a.manifestSize,
  sizeBytes: a.size,
  platforms: a.platforms ?? null,
  subject: a.subject ?? null,
  description: a.description ?? null,
  tags: a.tags,
  pushedAt: a.pushedAt.toISOString(),
  pushedBy: a.pushedBy ?? null,
  pulledAt: iso(a.pulledAt),
});

/** An audit entry as the API shows it. */
export const showAuditEntry = (e: StoredAuditEntry): z.input<typeof auditEntrySchema> => ({
  id: e.id,
  at: e.at.toISOString(),
  actor: e.actor ?? null,
  actorKind: e.actorKind,
  address: e.address ?? null,
  action: e.action,
  project: e.project ?? null,
  resource: e.resource ?? null,
  outcome: e.outcome,
  detail: e.detail ?? null,
});
