/**
 * Importing a tarball into a project: stage it (hashing every file), plan the images
 * (verifying every blob) and only then push them through the registry services (blob uploads
 * and manifest PUTs), so guards may refuse and events announce the push as for any client.
 * A tarball found wrong is refused before anything is pushed: nothing of it becomes visible.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Origin } from '../../events/events.js';
import { parseDigest, parseName, parseTag } from '../../registry/reference.js';
import type { Registry } from '../../registry/registry.js';
import { ImportError } from './errors.js';
import { stageTarball } from './extract.js';
import { planImport, type PlannedImage } from './plan.js';

/** What the caller asked besides the tarball. */
export interface ImportOptions {
  /** The repository to push every image to (within the project; the project prefix is added when missing). */
  repository?: string;
  /** The one tag every image gets (only with one image). */
  tag?: string;
  origin?: Origin;
  /** Staging folder parent (default: the system's temp folder). */
  tmpdir?: string;
}

/** One image imported: where it went. */
export interface ImportedImage {
  repository: string;
  digest: string;
  tags: string[];
}

/** Split "host/path/name:tag" (or "name", or a tag alone) into its last name component and tag. */
export function splitRef(ref: string): { name?: string; tag?: string } {
  const at = ref.indexOf('@');
  const bare = at >= 0 ? ref.slice(0, at) : ref;
  const colon = bare.lastIndexOf(':');
  const hasTag = colon > bare.lastIndexOf('/');
  const path = hasTag ? bare.slice(0, colon) : bare;
  const tag = hasTag ? bare.slice(colon + 1) : undefined;
  // An OCI ref.name without a name part is a tag alone ("latest", "v1.2"); RepoTags always have both.
  if (!hasTag && !bare.includes('/')) return { tag: bare };
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return { ...(name ? { name } : {}), ...(tag ? { tag } : {}) };
}

/** Where each image goes: [repository, tags] per image; ImportError when something is missing or wrong. */
export function destinations(project: string, images: readonly PlannedImage[], opts: ImportOptions): [string, string[]][] {
  if (opts.tag !== undefined && images.length > 1)
    throw new ImportError(`tag= names one tag, but the archive holds ${images.length} images`);
  const named = (name: string) => {
    const full = name.startsWith(`${project}/`) ? name : `${project}/${name}`;
    try {
      return parseName(full);
    } catch {
      throw new ImportError(`invalid repository name ${full}`);
    }
  };
  const tagged = (tag: string) => {
    try {
      return parseTag(tag);
    } catch {
      throw new ImportError(`invalid tag ${JSON.stringify(tag)}`);
    }
  };
  return images.map((image, i) => {
    const refs = image.refs.map(splitRef);
    const name = opts.repository ?? refs.find((r) => r.name)?.name;
    if (name === undefined) throw new ImportError(`image ${i + 1} of the archive has no name: give repository=`);
    const tags = opts.tag !== undefined ? [opts.tag] : [...new Set(refs.map((r) => r.tag).filter((t): t is string => t !== undefined))];
    if (tags.length === 0) throw new ImportError(`image ${i + 1} of the archive has no tag: give tag=`);
    return [named(name), tags.map(tagged)];
  });
}

/** Import the tarball `file` into `project`. */
export async function importTarball(registry: Registry, project: string, file: string, opts: ImportOptions = {}): Promise<ImportedImage[]> {
  const staging = await mkdtemp(join(opts.tmpdir ?? tmpdir(), 'berth-import-'));
  try {
    const images = await planImport(await stageTarball(file, staging));
    const where = destinations(project, images, opts);
    const imported: ImportedImage[] = [];
    for (const [i, image] of images.entries()) {
      const [repository, tags] = where[i]!;
      for (const [digest, blob] of image.blobs) {
        const d = parseDigest(digest);
        if (await registry.blobs.isLinked(repository, d)) continue;
        const upload = await registry.uploads.start(repository, opts.origin);
        await registry.uploads.complete(repository, upload.id, d, createReadStream(blob.path), undefined, opts.origin);
      }
      const last = image.manifests[image.manifests.length - 1]!;
      for (const m of image.manifests) {
        const ref = m === last ? { kind: 'tag' as const, tag: tags[0]! } : { kind: 'digest' as const, digest: parseDigest(m.digest) };
        await registry.manifests.put(repository, ref, m.body, {
          contentType: m.mediaType,
          ...(m === last ? { tags: tags.slice(1) } : {}),
          ...(opts.origin ? { origin: opts.origin } : {}),
        });
      }
      imported.push({ repository, digest: last.digest, tags });
    }
    return imported;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
