/**
 * Garbage collection through the API: start a run (it goes on in the background, while the
 * registry serves) and read its status — the run in progress and the last run's report
 * (bytes and objects freed, duration, errors). The collector is src/ops/gc.
 */
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { route, type ApiDeps } from '../route.js';
import { time } from '../schemas.js';

const reportSchema = z.object({
  ok: z.boolean(),
  startedAt: time,
  finishedAt: time,
  durationMs: z.number(),
  dryRun: z.boolean(),
  readOnly: z.boolean().describe('The run only reported because read-only mode was on'),
  deleteUntagged: z.boolean(),
  gracePeriodMs: z.number(),
  repositories: z.number().int(),
  scanned: z.object({ manifests: z.number().int(), blobs: z.number().int() }),
  freedBytes: z.number(),
  freedBlobs: z.number().int(),
  freedManifests: z.number().int(),
  spared: z.number().int().describe('Candidates spared at the last moment (written, tagged or pinned by a push meanwhile)'),
  errors: z.array(z.string()),
});

const statusSchema = z.object({
  running: z.boolean(),
  current: z.object({ startedAt: time, dryRun: z.boolean(), deleteUntagged: z.boolean() }).optional(),
  last: reportSchema.optional(),
});

function collector(deps: ApiDeps) {
  if (deps.gc) return deps.gc;
  throw new ApiError(404, 'NOT_FOUND', 'this server has no garbage collector');
}

/** The garbage collection routes. */
export const gcRoutes = [
  route({
    method: 'get',
    path: '/system/gc',
    tag: 'system',
    summary: 'Garbage collection: the run in progress and the last run (bytes and objects freed, duration, errors)',
    permission: 'system:system.read',
    response: statusSchema,
    handler: ({ deps }) => collector(deps).status(),
  }),
  route({
    method: 'post',
    path: '/system/gc',
    tag: 'system',
    summary: 'Start a garbage collection run while the registry serves (joins the run in progress if there is one); poll GET /system/gc',
    permission: 'system:system.manage',
    body: z
      .object({
        dryRun: z.boolean().optional().describe('Report what would go, delete nothing'),
        deleteUntagged: z.boolean().optional().describe('Also delete manifests no tag reaches'),
      })
      .strict(),
    response: statusSchema,
    status: 202,
    handler({ deps, body }) {
      const gc = collector(deps);
      // The run reports its own errors in its status; it never rejects.
      void gc.run({
        ...(body.dryRun !== undefined ? { dryRun: body.dryRun } : {}),
        ...(body.deleteUntagged !== undefined ? { deleteUntagged: body.deleteUntagged } : {}),
      });
      return gc.status();
    },
  }),
];
