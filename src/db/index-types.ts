/** What the artifact index holds, as the stores hand it out. */

/** One manifest a repository holds, as the indexer computed it from storage. */
export interface IndexedArtifact {
  repository: string;
  /** The project the repository belongs to (the management layer decides: admin/names.ts). */
  project: string;
  digest: string;
  mediaType: string;
  artifactType?: string;
  /** Bytes of the manifest itself. */
  manifestSize: number;
  /** Config and layers; for an index, the sum of its children's sizes. */
  size: number;
  /** Platforms ("os/arch[/variant]") of an index's children. */
  platforms?: string[];
  subject?: string;
  /** org.opencontainers.image.description (config label or manifest annotation). */
  description?: string;
  pushedAt: Date;
  pushedBy?: string;
}

/** An indexed artifact with its tags and when it was last pulled. */
export interface Artifact extends Omit<IndexedArtifact, 'project'> {
  tags: string[];
  pulledAt?: Date;
}

/** A repository with what the API lists about it. */
export interface RepositorySummary {
  name: string;
  project: string;
  description?: string;
  artifactCount: number;
  /** Sum of its images' sizes (an index's children are counted once, as images). */
  size: number;
  pushedAt?: Date;
  pulledAt?: Date;
}

/** Repository count and storage used by one project. */
export interface ProjectUsage {
  repositories: number;
  size: number;
}

/** Which repositories a listing includes. */
export interface RepositoryFilter {
  /** Only repositories of this project. */
  project?: string;
  /** Only names containing this text. */
  query?: string;
  /** Only repositories whose name or description contains this text (docker search). */
  text?: string;
  /** Only these names (the caller's visible set); undefined for all. */
  names?: readonly string[];
  offset?: number;
  limit?: number;
}

/** Which artifacts of a repository a listing includes. */
export interface ArtifactFilter {
  /** Only artifacts with a tag containing this text, or whose digest starts with it. */
  query?: string;
  offset?: number;
  limit?: number;
}

/** A pull to record: the repository, the manifest digest, when. */
export interface PullMark {
  repository: string;
  digest: string;
  at: Date;
}
