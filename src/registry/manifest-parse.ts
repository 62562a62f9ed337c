/**
 * Parsing and validating manifest bodies. The stored bytes are never rewritten: this only
 * reads them to learn the media type, the references that must exist, and the subject.
 * A body may hold tens of thousands of descriptors (4 MiB of them): they are checked in
 * paced batches, so one big manifest does not hold up every other request.
 */
import { ManifestInvalidError } from './errors.js';
import * as mt from './media-types.js';
import { Pacer } from './pacer.js';
import { parseDigest, type Digest } from './reference.js';

/** A content descriptor as found in manifests. */
export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string; variant?: string };
  urls?: string[];
}

/** What the registry needs to know about a manifest. */
export interface ParsedManifest {
  mediaType: string;
  /** Blobs (config and layers) that must be in the repository. */
  blobs: Descriptor[];
  /** Child manifests (of an index) that must be in the repository. */
  manifests: Descriptor[];
  subject?: Descriptor;
  /** artifactType, or for an image manifest its config media type (referrers API rule). */
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** Content types that say nothing about which manifest this is. */
const GENERIC_TYPES = new Set(['', 'application/json', 'application/octet-stream', 'text/plain']);

/**
 * Parse a manifest; `contentType` is the PUT's Content-Type (absent when reading back), `pacer`
 * the request's (when the parse is one step of longer work).
 */
export async function parseManifest(body: Buffer, contentType?: string, pacer = new Pacer()): Promise<ParsedManifest> {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ManifestInvalidError(`manifest is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc)) throw new ManifestInvalidError('manifest must be a JSON object');
  const declared = doc['mediaType'];
  if (declared !== undefined && typeof declared !== 'string') throw new ManifestInvalidError('mediaType must be a string');
  const header = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (declared !== undefined && !GENERIC_TYPES.has(header) && header !== declared) {
    throw new ManifestInvalidError(`Content-Type ${header} does not match the manifest's mediaType ${declared}`);
  }
  const mediaType = declared ?? (GENERIC_TYPES.has(header) ? inferType(doc) : header);
  if (mt.DOCKER_SCHEMA1.includes(mediaType) || doc['schemaVersion'] === 1) {
    throw new ManifestInvalidError('Docker schema 1 manifests are not supported; push schema 2 or OCI');
  }
  if (!mt.MANIFEST_TYPES.has(mediaType)) throw new ManifestInvalidError(`unsupported manifest media type ${mediaType}`);
  if (doc['schemaVersion'] !== 2) throw new ManifestInvalidError('schemaVersion must be 2');

  const out: ParsedManifest = { mediaType, blobs: [], manifests: [] };
  if (mt.INDEX_TYPES.has(mediaType)) {
    out.manifests = await descriptorList(doc['manifests'], 'manifests', true, pacer);
  } else {
    if (doc['config'] === undefined) throw new ManifestInvalidError('image manifest has no config');
    const config = descriptor(doc['config'], 'config');
    const layers = await descriptorList(doc['layers'], 'layers', mediaType === mt.DOCKER_MANIFEST, pacer);
    out.blobs = [config];
    for (const l of layers) if (!(mt.FOREIGN_LAYER_TYPES.has(l.mediaType) && l.urls?.length)) out.blobs.push(l);
    out.artifactType = config.mediaType;
  }
  if (doc['artifactType'] !== undefined) {
    if (typeof doc['artifactType'] !== 'string') throw new ManifestInvalidError('artifactType must be a string');
    out.artifactType = doc['artifactType'];
  }
  if (doc['subject'] !== undefined) out.subject = descriptor(doc['subject'], 'subject');
  if (doc['annotations'] !== undefined) out.annotations = stringMap(doc['annotations'], 'annotations');
  return out;
}

function inferType(doc: Record<string, unknown>): string {
  if (Array.isArray(doc['manifests'])) return mt.OCI_INDEX;
  if (doc['config'] !== undefined) return mt.OCI_MANIFEST;
  if (doc['fsLayers'] !== undefined || doc['signatures'] !== undefined) return mt.DOCKER_SCHEMA1[0]!;
  throw new ManifestInvalidError('cannot tell the manifest type: no mediaType, config or manifests');
}

// Descriptors checked between two looks at the clock.
const BATCH = 256;

async function descriptorList(value: unknown, field: string, required: boolean, pacer: Pacer): Promise<Descriptor[]> {
  if (value === undefined && !required) return [];
  if (!Array.isArray(value)) throw new ManifestInvalidError(`${field} must be an array`);
  const out: Descriptor[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    if (i % BATCH === BATCH - 1) await pacer.tick();
    out[i] = descriptor(value[i], field, i);
  }
  return out;
}

// `index` names the entry in error messages; the name is built only when one is thrown (a
// manifest may hold tens of thousands of descriptors).
function descriptor(value: unknown, list: string, index?: number): Descriptor {
  if (!isObject(value)) throw invalid(list, index, 'must be a descriptor object');
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || mediaType === '') throw invalid(list, index, '.mediaType must be a non-empty string');
  if (typeof digest !== 'string') throw invalid(list, index, '.digest must be a string');
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw invalid(list, index, '.size must be a non-negative integer');
  let parsed: Digest;
  try {
    parsed = parseDigest(digest);
  } catch {
    throw invalid(list, index, '.digest is not a valid digest', { digest });
  }
  const d: Descriptor = { mediaType, digest: parsed, size };
  if (typeof value['artifactType'] === 'string') d.artifactType = value['artifactType'];
  if (value['annotations'] !== undefined) d.annotations = stringMap(value['annotations'], `${fieldName(list, index)}.annotations`);
  if (isObject(value['platform'])) d.platform = value['platform'] as Descriptor['platform'];
  if (Array.isArray(value['urls'])) d.urls = value['urls'].filter((u): u is string => typeof u === 'string');
  return d;
}

const fieldName = (list: string, index?: number): string => (index === undefined ? list : `${list}[${index}]`);

function invalid(list: string, index: number | undefined, problem: string, detail?: unknown): ManifestInvalidError {
  const name = fieldName(list, index);
  return new ManifestInvalidError(`${name}${problem.startsWith('.') ? '' : ' '}${problem}`, detail);
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new ManifestInvalidError(`${field} must map strings to strings`);
  }
  return value as Record<string, string>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
