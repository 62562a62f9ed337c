/**
 * The one configuration schema. Key names follow CNCF Distribution's config.yml
 * (lower case, no separators) so that `BERTH_<SECTION>_<KEY>` environment overrides map
 * one-to-one onto it, as `REGISTRY_*` does for registry:2. Every object is strict:
 * an unknown key is an error that names it.
 */
import { z } from 'zod';
import { authSchema, tlsSchema } from './security-schema.js';
import { proxySchema } from './proxy-schema.js';
import { databaseSchema, projectsSchema } from './database-schema.js';
import { auditSchema, importSchema } from './index-schema.js';
import {
  debugSchema,
  drainTimeout,
  headersSchema,
  healthSchema,
  listenAddr,
  logFieldsSchema,
  readonlySchema,
  trustedProxiesSchema,
  workersSchema,
} from './ops-schema.js';
import { gcSchema, uploadPurgingSchema } from './maintenance-schema.js';
import { uiSchema } from './ui-schema.js';
import { apiSchema } from './api-schema.js';
import { indexesSchema } from './validation-schema.js';

const filesystem = z.object({ rootdirectory: z.string().min(1).default('./data') }).strict();
const inmemory = z.object({}).strict();

const MIB = 1024 * 1024;
/** The s3 section (keys as Distribution's s3 driver spells them, lower-cased). */
const s3 = z.preprocess(
  lowerKeys,
  z
    .object({
      bucket: z.string().min(1),
      region: z.string().min(1).default('us-east-1'),
      /** S3-compatible endpoint (MinIO, Ceph RGW, R2); AWS when omitted. */
      endpoint: z
        .string()
        .regex(/^https?:\/\/[^/\s]+/, 'must be an http:// or https:// URL')
        .optional(),
      forcepathstyle: z.boolean().default(false),
      /** Key prefix inside the bucket (Distribution's rootdirectory). */
      rootdirectory: z.string().default(''),
      accesskey: z.string().min(1).optional(),
      secretkey: z.string().min(1).optional(),
      /** Multipart part size: at least S3's 5 MiB minimum, at most its 5 GiB maximum. */
      chunksize: z
        .number()
        .int()
        .min(5 * MIB)
        .max(5 * 1024 * MIB)
        .default(10 * MIB),
      storageclass: z.string().min(1).optional(),
      /** Server-side encryption: true or "AES256" for S3-managed keys, "aws:kms" for KMS. */
      sse: z.union([z.boolean(), z.enum(['AES256', 'aws:kms'])]).default(false),
      /** Answer blob GETs with a 307 to a presigned URL. */
      redirect: z.boolean().default(true),
    })
    .strict()
    .refine((o) => (o.accesskey === undefined) === (o.secretkey === undefined), {
      message: 'accesskey and secretkey go together (omit both for the AWS credential chain)',
    }),
);

/**
 * The issue and other tools spell s3 keys in camelCase (forcePathStyle, rootDirectory); env
 * overrides produce lower case. Lower-case them all; a key already in lower case (an env
 * override) wins over its camelCase twin from the file.
 */
function lowerKeys(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const lower = key.toLowerCase();
    if (lower !== key && lower in raw) continue;
    out[lower] = value;
  }
  return out;
}

/** Storage: exactly one driver section, plus the driver-independent switches. */
const storage = z
  .object({
    filesystem: filesystem.optional(),
    inmemory: inmemory.nullable().optional(),
    s3: s3.optional(),
    delete: z
      .object({ enabled: z.boolean().default(true) })
      .strict()
      .default({}),
    redirect: z
      .object({ disable: z.boolean().default(false) })
      .strict()
      .default({}),
    /** In-memory cache of small storage facts (links, blob sizes, listings); see src/storage/cache.ts. */
    cache: z
      .object({
        /** Seconds a fact read from storage is trusted before it is read again; 0 turns the cache off. */
        ttl: z.number().min(0).default(5),
        maxentries: z.number().int().positive().default(200_000),
      })
      .strict()
      .default({}),
    /**
     * Where an upload's running sha256 lives between requests: `storage` saves a resumable state
     * beside the upload after every chunk (any process sharing the storage continues it without
     * reading the bytes again, at hash-wasm's ~250 MB/s); `memory` keeps node:crypto's hash
     * (~1.4 GB/s) in this process and rehashes the stored bytes when another process or a
     * restart continues. `auto`: storage on s3, memory on disk.
     */
    hashstate: z.enum(['auto', 'storage', 'memory']).default('auto'),
    /** Distribution's maintenance switches (readonly: ops-schema.ts; uploadpurging: maintenance-schema.ts). */
    maintenance: z.object({ readonly: readonlySchema, uploadpurging: uploadPurgingSchema }).strict().default({}),
  })
  .strict()
  .default({})
  .superRefine((s, ctx) => {
    const drivers = (['filesystem', 'inmemory', 's3'] as const).filter((d) => s[d] !== undefined);
    if (drivers.length > 1) {
      ctx.addIssue({ code: 'custom', message: `only one storage driver may be configured, got ${drivers.join(', ')}` });
    }
  })
  .transform((s) =>
    s.filesystem === undefined && s.inmemory === undefined && s.s3 === undefined ? { ...s, filesystem: { rootdirectory: './data' } } : s,
  );

const http = z
  .object({
    addr: listenAddr.default(':5000'),
    /** External base URL (scheme://host[:port]) used in Location headers when set. */
    host: z.string().url().optional(),
    /** Emit relative Location headers (Distribution's http.relativeurls). */
    relativeurls: z.boolean().default(false),
    /** Peers whose X-Forwarded-* headers are believed (ops-schema.ts); none by default. */
    trustedproxies: trustedProxiesSchema,
    /** Serve HTTPS (see security-schema.ts). */
    tls: tlsSchema.optional(),
    /** Metrics and health on another address; draining on SIGTERM; extra response headers (ops-schema.ts). */
    debug: debugSchema,
    draintimeout: drainTimeout,
    headers: headersSchema,
    /** Server processes on the one port (ops-schema.ts). */
    workers: workersSchema,
  })
  .strict()
  .default({});

const log = z
  .object({
    level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    accesslog: z
      .object({ disabled: z.boolean().default(true) })
      .strict()
      .default({}),
    fields: logFieldsSchema,
  })
  .strict()
  .default({});

const validation = z
  .object({
    manifests: z
      .object({
        /** Largest manifest body accepted on PUT, in bytes (the spec suggests 4 MiB). */
        maxsize: z
          .number()
          .int()
          .positive()
          .default(4 * 1024 * 1024),
        indexes: indexesSchema,
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({});

/** The whole configuration file. */
export const configSchema = z
  .object({
    version: z.union([z.string(), z.number()]).transform(String).default('0.1'),
    log,
    http,
    storage,
    catalog: z
      .object({ maxentries: z.number().int().positive().default(1000) })
      .strict()
      .default({}),
    tags: z
      .object({ maxentries: z.number().int().positive().default(1000) })
      .strict()
      .default({}),
    validation,
    auth: authSchema,
    proxy: proxySchema,
    database: databaseSchema,
    projects: projectsSchema,
    audit: auditSchema,
    import: importSchema,
    health: healthSchema,
    ui: uiSchema,
    api: apiSchema,
    gc: gcSchema,
  })
  .strict();

/** A validated configuration with every default filled in. */
export type Config = z.output<typeof configSchema>;
