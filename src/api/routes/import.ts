/**
 * POST /projects/{project}/import: a multipart upload (field `file`) of a `docker save`
 * tarball or an OCI image layout tarball, gzip or not. multer streams it to a temporary file
 * (never into memory; `import.maxsize` bounds it: 413 beyond), then the importer verifies and
 * pushes it. Authorization (push on the project) is decided before the upload is read.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Request, Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { importTarball } from '../../admin/import/importer.js';
import { ApiError } from '../errors.js';
import { originOf } from '../index-lookup.js';
import { route, type ApiDeps } from '../route.js';
import { projectParams } from '../schemas.js';

const importedSchema = z.object({
  images: z.array(z.object({ repository: z.string(), digest: z.string(), tags: z.array(z.string()) })),
});

/** Receive the upload into a temporary file; its path (the caller removes it). */
function receive(deps: ApiDeps, req: Request, res: Response): Promise<{ path: string; fields: Record<string, unknown> }> {
  const upload = multer({
    storage: multer.diskStorage({ destination: deps.config.import.tmpdir ?? tmpdir() }),
    limits: { fileSize: deps.config.import.maxsize, files: 1, fields: 8 },
  }).single('file');
  return new Promise((resolve, reject) => {
    upload(req, res, (err: unknown) => {
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') {
          return reject(new ApiError(413, 'TOO_LARGE', `the tarball is larger than import.maxsize (${deps.config.import.maxsize} bytes)`));
        }
        return reject(new ApiError(400, 'INVALID_INPUT', `bad multipart upload: ${err.message} (send the tarball as the field "file")`));
      }
      if (err)
        return reject(new ApiError(400, 'INVALID_INPUT', `bad multipart upload: ${err instanceof Error ? err.message : String(err)}`));
      if (!req.file) return reject(new ApiError(400, 'INVALID_INPUT', 'no file: send the tarball as the multipart field "file"'));
      resolve({ path: req.file.path, fields: (req.body ?? {}) as Record<string, unknown> });
    });
  });
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The import route. */
export const importRoutes = [
  route({
    method: 'post',
    path: '/projects/{project}/import',
    tag: 'import',
    summary:
      'Import a docker save or OCI layout tarball (multipart field "file", gzip or not); repository= and tag= (query or form fields) override the names it carries',
    permission: 'project:push',
    params: projectParams,
    query: z.object({ repository: z.string().min(1).optional(), tag: z.string().min(1).optional() }),
    response: importedSchema,
    status: 201,
    async handler({ params, query, deps, caller, req, res }) {
      const { path, fields } = await receive(deps, req, res);
      try {
        const repository = query.repository ?? text(fields['repository']);
        const tag = query.tag ?? text(fields['tag']);
        const images = await importTarball(deps.registry, params.project, path, {
          ...(repository ? { repository } : {}),
          ...(tag ? { tag } : {}),
          origin: originOf(caller, req),
          ...(deps.config.import.tmpdir ? { tmpdir: deps.config.import.tmpdir } : {}),
        });
        await deps.indexer?.idle();
        return { images };
      } finally {
        await rm(path, { force: true });
      }
    },
  }),
];
