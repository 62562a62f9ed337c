/** Manifest routes: GET/HEAD with content negotiation, PUT with a size cap, DELETE. */
import type { Request } from 'express';
import { ManifestTooLargeError, ManifestUnknownError, UnsupportedError } from '../registry/errors.js';
import type { StoredManifest } from '../registry/manifests.js';
import { INDEX_TYPES } from '../registry/media-types.js';
import { parseReference, parseTag, type Reference } from '../registry/reference.js';
import { accepts, acceptedTypes, type MediaRange } from './accept.js';
import type { Ctx, Handler } from './context.js';
import { HttpError } from './error-table.js';
import { empty, location, queryAll } from './respond.js';

/**
 * Tags one PUT may set with `?tag=` (the spec asks registries to take at least 10; more is
 * 414). Each is two small writes, so the bound keeps one request's work bounded.
 */
export const MAX_TAGS_PER_PUT = 100;

/** GET or HEAD /v2/<name>/manifests/<reference>. */
export const get: Handler = async (ctx) => {
  const { req, res, params, deps } = ctx;
  const ref = parseReference(params.ref);
  let m = await deps.registry.manifests.get(params.name, ref);
  const accepted = acceptedTypes(req.headers.accept);
  if (!accepts(accepted, m.parsed.mediaType)) m = await fallback(ctx, ref, m, accepted);
  const etag = `"${m.digest.value}"`;
  const headers = {
    'Content-Type': m.parsed.mediaType,
    'Docker-Content-Digest': m.digest.value,
    ETag: etag,
  };
  const inm = req.get('if-none-match');
  if (inm !== undefined && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) return empty(res, 304, headers);
  res.status(200).set({ ...headers, 'Content-Length': String(m.body.length) });
  if (req.method === 'HEAD') return void res.end();
  res.end(m.body);
  // A pull is a fact of this exchange (bytes sent), so it is announced here, not by the service.
  deps.registry.events.emit(
    'manifest.pulled',
    { repository: params.name, digest: m.digest.value, mediaType: m.parsed.mediaType, ...(ref.kind === 'tag' ? { tag: ref.tag } : {}) },
    ctx.origin,
  );
};

/**
 * The client does not accept the stored type. As Distribution does, a multi-platform index
 * fetched by tag is answered with its linux/amd64 image when that is acceptable; otherwise
 * the manifest is unknown in any form the client can read.
 */
async function fallback(
  { params, deps }: Ctx,
  ref: Reference,
  m: StoredManifest,
  accepted: readonly MediaRange[],
): Promise<StoredManifest> {
  if (ref.kind === 'tag' && INDEX_TYPES.has(m.parsed.mediaType)) {
    const child = m.parsed.manifests.find((d) => d.platform?.os === 'linux' && d.platform?.architecture === 'amd64');
    if (child && accepts(accepted, child.mediaType)) {
      const picked = await deps.registry.manifests.get(params.name, { kind: 'digest', digest: child.digest });
      if (accepts(accepted, picked.parsed.mediaType)) return picked;
    }
  }
  throw new ManifestUnknownError(`manifest is ${m.parsed.mediaType}, which the Accept header does not allow`, {
    mediaType: m.parsed.mediaType,
  });
}

/**
 * PUT /v2/<name>/manifests/<reference>[?tag=a&tag=b...]. Every tag is checked before anything
 * is stored, so one bad tag refuses the whole PUT; each tag set is echoed in an `OCI-Tag`
 * header (distribution-spec v1.1).
 */
export const put: Handler = async ({ req, res, params, deps, origin }) => {
  const ref = parseReference(params.ref);
  const extra = queryAll(req, 'tag');
  if (extra.length > MAX_TAGS_PER_PUT) {
    throw new HttpError(414, 'TAG_INVALID', `at most ${MAX_TAGS_PER_PUT} tag parameters per request`, { count: extra.length });
  }
  const tags = extra.map(parseTag);
  const body = await readLimited(req, deps.config.validation.manifests.maxsize);
  const stored = await deps.registry.manifests.put(params.name, ref, body, { contentType: req.get('content-type'), tags, origin });
  res.set({
    Location: location(req, deps.config, `/v2/${params.name}/manifests/${stored.digest.value}`),
    'Docker-Content-Digest': stored.digest.value,
  });
  if (stored.parsed.subject) res.set('OCI-Subject', stored.parsed.subject.digest.value);
  if (stored.tags.length > 0) res.set('OCI-Tag', stored.tags);
  empty(res, 201);
};

/** DELETE /v2/<name>/manifests/<digest or tag>. */
export const remove: Handler = async ({ res, params, deps, origin }) => {
  if (!deps.config.storage.delete.enabled) throw new UnsupportedError('deletes are disabled on this registry');
  await deps.registry.manifests.delete(params.name, parseReference(params.ref), origin);
  empty(res, 202);
};

/** Read a request body of at most `max` bytes; a larger one is refused before it is buffered. */
async function readLimited(req: Request, max: number): Promise<Buffer> {
  const declared = Number(req.get('content-length') ?? '0');
  if (declared > max) throw new ManifestTooLargeError(`manifest exceeds the ${max}-byte limit`, { limit: max });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new ManifestTooLargeError(`manifest exceeds the ${max}-byte limit`, { limit: max });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
