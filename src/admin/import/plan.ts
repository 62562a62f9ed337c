/**
 * What an archive holds, as images to push, checked before anything is pushed: a `docker
 * save` tarball (manifest.json with Config, Layers and RepoTags) or an OCI image layout
 * (index.json, blobs/<alg>/<hex>). Every blob's sha256 is compared with the digest that names
 * it (a layer of docker save with its config's diff_id), and every file referenced must be in
 * the archive.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ImportError } from './errors.js';
import { archivePath, type StagedArchive, type StagedFile } from './extract.js';

/** A manifest to put: its exact bytes, media type and digest. */
export interface PlannedManifest {
  body: Buffer;
  mediaType: string;
  digest: string;
}

/** One image (or index) of the archive, with what must be pushed for it. */
export interface PlannedImage {
  /** Blobs (configs and layers), by digest. */
  blobs: Map<string, StagedFile>;
  /** Manifests in push order: an index's children before it; the last is the image itself. */
  manifests: PlannedManifest[];
  /** Names the archive gives it ("name:tag", or a tag alone). */
  refs: string[];
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
// docker save's layer.tar files are uncompressed tars: their digest is the diff_id.
const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
// manifest.json, index.json and manifests are small; a bigger one is not what it claims.
const JSON_LIMIT = 16 << 20;

/** The images of a staged archive; ImportError says what is wrong. */
export async function planImport(archive: StagedArchive): Promise<PlannedImage[]> {
  if (archive.has('manifest.json')) return dockerSave(archive);
  if (archive.has('index.json')) return ociLayout(archive);
  throw new ImportError('no manifest.json or index.json: not a docker save tarball nor an OCI image layout');
}

async function readJson(archive: StagedArchive, name: string, what: string): Promise<unknown> {
  const f = archive.get(archivePath(name));
  if (!f) throw new ImportError(`${what} ${name} is missing from the archive`);
  if (f.size > JSON_LIMIT) throw new ImportError(`${what} ${name} is too large to be JSON metadata`);
  try {
    return JSON.parse((await readFile(f.path)).toString('utf8')) as unknown;
  } catch {
    throw new ImportError(`${what} ${name} is not valid JSON`);
  }
}

function fileOf(archive: StagedArchive, name: string, what: string): StagedFile {
  const f = archive.get(archivePath(name));
  if (!f) throw new ImportError(`${what} ${name} is missing from the archive`);
  return f;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

async function dockerSave(archive: StagedArchive): Promise<PlannedImage[]> {
  const list = await readJson(archive, 'manifest.json', 'manifest');
  if (!Array.isArray(list) || list.length === 0) throw new ImportError('manifest.json lists no images');
  const images: PlannedImage[] = [];
  for (const [i, entry] of list.entries()) {
    if (!isRecord(entry) || typeof entry['Config'] !== 'string' || !Array.isArray(entry['Layers'])) {
      throw new ImportError(`manifest.json entry ${i} has no Config and Layers`);
    }
    const configFile = fileOf(archive, entry['Config'], 'config');
    // The config is named by its digest ("<hex>.json" or "blobs/sha256/<hex>"): check it.
    const named = /([0-9a-f]{64})(\.json)?$/.exec(entry['Config']);
    if (named && configFile.digest !== `sha256:${named[1]}`) {
      throw new ImportError(`config ${entry['Config']}: digest mismatch (content is ${configFile.digest})`);
    }
    const config = await readJson(archive, entry['Config'], 'config');
    const diffIds = isRecord(config) && isRecord(config['rootfs']) ? config['rootfs']['diff_ids'] : undefined;
    if (!Array.isArray(diffIds) || diffIds.length !== entry['Layers'].length) {
      throw new ImportError(`config ${entry['Config']}: rootfs.diff_ids does not list the ${entry['Layers'].length} layers`);
    }
    const blobs = new Map<string, StagedFile>([[configFile.digest, configFile]]);
    const layers = entry['Layers'].map((name: unknown, j: number) => {
      if (typeof name !== 'string') throw new ImportError(`manifest.json entry ${i}: layer ${j} is not a path`);
      const layer = fileOf(archive, name, 'layer');
      if (layer.digest !== diffIds[j])
        throw new ImportError(`layer ${name}: digest mismatch (config says ${String(diffIds[j])}, content is ${layer.digest})`);
      blobs.set(layer.digest, layer);
      return { mediaType: OCI_LAYER_TAR, digest: layer.digest, size: layer.size };
    });
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: configFile.digest, size: configFile.size },
        layers,
      }),
    );
    const refs = Array.isArray(entry['RepoTags']) ? entry['RepoTags'].filter((t): t is string => typeof t === 'string') : [];
    images.push({ blobs, manifests: [{ body, mediaType: OCI_MANIFEST, digest: sha256(body) }], refs });
  }
  return images;
}

async function ociLayout(archive: StagedArchive): Promise<PlannedImage[]> {
  const index = await readJson(archive, 'index.json', 'index');
  if (!isRecord(index) || !Array.isArray(index['manifests']) || index['manifests'].length === 0) {
    throw new ImportError('index.json lists no manifests');
  }
  const images: PlannedImage[] = [];
  for (const d of index['manifests']) {
    const image: PlannedImage = { blobs: new Map(), manifests: [], refs: [] };
    const annotations = isRecord(d) && isRecord(d['annotations']) ? d['annotations'] : {};
    const ref = annotations['io.containerd.image.name'] ?? annotations['org.opencontainers.image.ref.name'];
    if (typeof ref === 'string') image.refs.push(ref);
    await walkManifest(archive, d, image, 0);
    images.push(image);
  }
  return images;
}

/** The staged blob a descriptor names, verified against its digest and size. */
function blobOf(archive: StagedArchive, d: unknown, what: string): StagedFile {
  if (!isRecord(d) || typeof d['digest'] !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(d['digest'])) {
    throw new ImportError(`${what}: a descriptor without a sha256 digest`);
  }
  const digest = d['digest'];
  const f = fileOf(archive, `blobs/sha256/${digest.slice(7)}`, what);
  if (f.digest !== digest) throw new ImportError(`${what} ${digest}: digest mismatch (content is ${f.digest})`);
  if (typeof d['size'] === 'number' && d['size'] !== f.size)
    throw new ImportError(`${what} ${digest}: size ${f.size}, descriptor says ${d['size']}`);
  return f;
}

async function walkManifest(archive: StagedArchive, d: unknown, image: PlannedImage, depth: number): Promise<void> {
  if (depth > 2) throw new ImportError('indexes nested too deep');
  const f = blobOf(archive, d, 'manifest');
  const doc = await readJson(archive, `blobs/sha256/${f.digest.slice(7)}`, 'manifest');
  if (!isRecord(doc)) throw new ImportError(`manifest ${f.digest} is not a JSON object`);
  const mediaType = (typeof doc['mediaType'] === 'string' ? doc['mediaType'] : isRecord(d) ? d['mediaType'] : undefined) as
    string | undefined;
  if (Array.isArray(doc['manifests']) || (mediaType && INDEX_TYPES.has(mediaType))) {
    for (const child of (doc['manifests'] as unknown[]) ?? []) await walkManifest(archive, child, image, depth + 1);
  } else {
    const config = blobOf(archive, doc['config'], 'config');
    image.blobs.set(config.digest, config);
    if (!Array.isArray(doc['layers'])) throw new ImportError(`manifest ${f.digest} has no layers`);
    for (const layer of doc['layers']) {
      const l = blobOf(archive, layer, 'layer');
      image.blobs.set(l.digest, l);
    }
  }
  image.manifests.push({ body: await readFile(f.path), mediaType: mediaType ?? OCI_MANIFEST, digest: f.digest });
}

const sha256 = (body: Buffer): string => `sha256:${createHash('sha256').update(body).digest('hex')}`;
