/** Upload routes: start (plain, monolithic, mount), PATCH, status, complete (PUT), cancel. */
import type { Request } from 'express';
import { MOUNT_SEARCH_LIMIT } from '../registry/blobs.js';
import { BlobUploadInvalidError, DigestInvalidError, SizeInvalidError } from '../registry/errors.js';
import { parseDigest, parseName, type Digest } from '../registry/reference.js';
import type { ChunkRange } from '../registry/uploads.js';
import type { Ctx, Handler } from './context.js';
import { parseContentRange } from './range.js';
import { empty, location, query, uploadRange } from './respond.js';

/** POST /v2/<name>/blobs/uploads/ [?digest=] [?mount=[&from=]]. */
export const start: Handler = async (ctx) => {
  const { req, params, deps } = ctx;
  const mount = query(req, 'mount');
  if (mount !== undefined) {
    const digest = parseDigest(mount);
    if (await mounted(ctx, digest, query(req, 'from'))) return created(ctx, digest.value);
  }
  const digestParam = query(req, 'digest');
  if (digestParam !== undefined) {
    const digest = parseDigest(digestParam);
    await deps.registry.uploads.monolithic(params.name, digest, checkedBody(req), ctx.origin);
    return created(ctx, digest.value);
  }
  // A POST without ?digest= carries no data; its body, if any, is not part of the blob.
  if (!req.complete) req.resume();
  const { id, size } = await deps.registry.uploads.start(params.name, ctx.origin);
  inProgress(ctx, id, size);
};

/**
 * Mount `digest` into the repository: from `from`, or without it (anonymous mount) from a
 * repository the caller may pull, as the access controller says (every one, walked with a
 * bound, without auth or with htpasswd; the token's own list with tokens). False when it
 * cannot: the client then gets a new session (202), as the spec asks.
 */
async function mounted({ req, params, deps, origin }: Ctx, digest: Digest, from: string | undefined): Promise<boolean> {
  const blobs = deps.registry.blobs;
  if (from !== undefined) return (await blobs.mount(params.name, parseName(from), digest, origin)) !== null;
  const candidates = async (): Promise<readonly string[]> => {
    const scope = await deps.auth.pullScope(req);
    return scope === 'any' ? deps.registry.catalog.withBlobs(MOUNT_SEARCH_LIMIT) : scope;
  };
  return (await blobs.mountAny(params.name, digest, candidates, origin)) !== null;
}

/** PATCH /v2/<name>/blobs/uploads/<id>: append a streamed chunk. */
export const patch: Handler = async (ctx) => {
  const { req, params, deps } = ctx;
  const range = chunkRange(req);
  const { id, size } = await deps.registry.uploads.append(params.name, params.ref, checkedBody(req), range, ctx.origin);
  inProgress(ctx, id, size);
};

/** GET /v2/<name>/blobs/uploads/<id>: how much has been received. */
export const status: Handler = async (ctx) => {
  const { id, size } = await ctx.deps.registry.uploads.status(ctx.params.name, ctx.params.ref);
  inProgress(ctx, id, size, 204);
};

/** PUT /v2/<name>/blobs/uploads/<id>?digest=: optional last chunk, verify, commit. */
export const complete: Handler = async (ctx) => {
  const { req, params, deps } = ctx;
  const digestParam = query(req, 'digest');
  if (digestParam === undefined) {
    throw new DigestInvalidError('the digest query parameter is required to complete an upload');
  }
  const digest = parseDigest(digestParam);
  const hasBody = Number(req.get('content-length') ?? '0') > 0 || req.get('transfer-encoding') !== undefined;
  const body = hasBody ? checkedBody(req) : undefined;
  if (!hasBody) req.resume();
  await deps.registry.uploads.complete(params.name, params.ref, digest, body, hasBody ? chunkRange(req) : undefined, ctx.origin);
  created(ctx, digest.value);
};

/** DELETE /v2/<name>/blobs/uploads/<id>. */
export const cancel: Handler = async ({ res, params, deps, origin }) => {
  await deps.registry.uploads.cancel(params.name, params.ref, origin);
  empty(res, 204);
};

function created({ req, res, params, deps }: Ctx, digest: string): void {
  if (!req.complete) req.resume();
  empty(res, 201, {
    Location: location(req, deps.config, `/v2/${params.name}/blobs/${digest}`),
    'Docker-Content-Digest': digest,
  });
}

function inProgress({ req, res, params, deps }: Ctx, id: string, size: number, status = 202): void {
  empty(res, status, {
    Location: location(req, deps.config, `/v2/${params.name}/blobs/uploads/${id}`),
    Range: uploadRange(size),
    'Docker-Upload-UUID': id,
  });
}

/** The chunk's Content-Range, checked against Content-Length before any byte is read. */
function chunkRange(req: Request): ChunkRange | undefined {
  const range = parseContentRange(req.get('content-range'));
  const length = req.get('content-length');
  if (range && length !== undefined && Number(length) !== range.end - range.start + 1) {
    throw new SizeInvalidError('Content-Length does not match Content-Range', {
      'Content-Length': length,
      'Content-Range': req.get('content-range'),
    });
  }
  return range;
}

/** The request body as a stream, refusing a malformed Content-Length. */
function checkedBody(req: Request): Request {
  const length = req.get('content-length');
  if (length !== undefined && !/^\d+$/.test(length)) throw new BlobUploadInvalidError('malformed Content-Length');
  return req;
}
